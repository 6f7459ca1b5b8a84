package io.colony.worker.llm.http;

import tools.jackson.databind.JsonNode;

/**
 * A provider's 2xx answer was JSON but not of its API's shape. Thrown by the answer readers given to
 * {@link ProviderHttp#post}, which turns it into a {@link io.colony.worker.llm.ProviderException}. The message
 * names the field only, never a value from the body.
 */
public final class UnexpectedJson extends RuntimeException {

	public UnexpectedJson(String what) {
		super(what, null, false, false);
	}

	/** {@code parent.field} as an array; fails when absent or of another type. */
	public static JsonNode array(JsonNode parent, String field) {
		JsonNode node = parent.get(field);
		if (node == null || !node.isArray()) {
			throw new UnexpectedJson("'" + field + "' is not an array");
		}
		return node;
	}

	/** {@code parent.field} as a string; fails when absent or of another type. */
	public static String text(JsonNode parent, String field) {
		String text = optionalText(parent, field);
		if (text == null) {
			throw new UnexpectedJson("'" + field + "' is missing");
		}
		return text;
	}

	/** {@code parent.field} as a string, {@code null} when absent or JSON null; fails for another type. */
	public static String optionalText(JsonNode parent, String field) {
		JsonNode node = parent.get(field);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new UnexpectedJson("'" + field + "' is not a string");
		}
		return node.stringValue();
	}

	/** {@code parent.field} as a token count, 0 when absent; fails for anything but a non-negative integer. */
	public static int count(JsonNode parent, String field) {
		JsonNode node = parent == null ? null : parent.get(field);
		if (node == null || node.isNull()) {
			return 0;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
			throw new UnexpectedJson("'" + field + "' is not a count");
		}
		return node.intValue();
	}
}
