package io.colony.platform.pricing;

import java.math.BigDecimal;

/**
 * The one form dollar amounts take in the mesh: exact (never rounded), without trailing zeros and with a
 * scale of at least zero, so that a sum read back from a database ({@code 0.004500}) equals the amounts that
 * were added ({@code 0.0045}) and a whole amount stays {@code 100}, not {@code 1E+2}.
 */
public final class Usd {

	private Usd() {
	}

	/** {@code null} reads as zero. */
	public static BigDecimal canonical(BigDecimal amount) {
		if (amount == null || amount.signum() == 0) {
			return BigDecimal.ZERO;
		}
		BigDecimal stripped = amount.stripTrailingZeros();
		return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
	}

	/** For messages: {@code $0.0123}, never in exponent notation. */
	public static String format(BigDecimal amount) {
		return "$" + canonical(amount).toPlainString();
	}
}
