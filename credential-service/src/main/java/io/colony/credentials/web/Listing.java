package io.colony.credentials.web;

import java.util.Locale;

/** The query parameters operator listings share: an optional status and a limit. */
public final class Listing {

	public static final int DEFAULT_LIMIT = 100;

	public static final int MAX_LIMIT = 500;

	private Listing() {
	}

	/** @throws InvalidInput when {@code limit} is outside 1..500 */
	public static int limit(Integer limit) {
		if (limit == null) {
			return DEFAULT_LIMIT;
		}
		InvalidInput.require(limit >= 1 && limit <= MAX_LIMIT, "limit must be between 1 and " + MAX_LIMIT);
		return limit;
	}

	/** {@code null} when absent; @throws InvalidInput when it names no constant of {@code type} */
	public static <E extends Enum<E>> E status(Class<E> type, String status) {
		if (status == null || status.isBlank()) {
			return null;
		}
		try {
			return Enum.valueOf(type, status.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInput("status must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
		}
	}
}
