package io.colony.credentials.web;

import java.util.regex.Pattern;

/** A request body or parameter that is malformed or names invalid values; nothing was stored. */
public class InvalidInput extends RuntimeException {

	private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9._~+/=-]{8,128}");

	public InvalidInput(String message) {
		super(message);
	}

	/** @throws InvalidInput with {@code message} unless {@code condition} holds */
	public static void require(boolean condition, String message) {
		if (!condition) {
			throw new InvalidInput(message);
		}
	}

	/** A signed message's nonce: 8 to 128 URL-safe or base64 characters (a UUID is fine). */
	public static void requireNonce(String nonce) {
		require(nonce != null && NONCE.matcher(nonce).matches(),
				"nonce must be 8 to 128 characters of letters, digits and ._~+/=-");
	}

	/** Whether {@code path} (a path segment) is the UUID {@code id}, in whatever case it was written. */
	public static boolean samePathId(java.util.UUID id, String path) {
		try {
			return id != null && id.equals(java.util.UUID.fromString(path));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** The text of an optional free-text field, {@code null} when absent or blank; at most {@code max} characters. */
	public static String optionalText(String field, String value, int max) {
		if (value == null || value.isBlank()) {
			return null;
		}
		require(value.length() <= max, field + " must be at most " + max + " characters");
		return value.strip();
	}
}
