package io.colony.worker.tool;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The arguments of one tool call as the model wrote them, parsed. Every problem is a {@link ToolFailure}
 * whose message tells the model what to write instead.
 */
public final class ToolArguments {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final ObjectNode node;

	private ToolArguments(ObjectNode node) {
		this.node = node;
	}

	/**
	 * Parses a JSON object. Blank text counts as {@code {}}: models often send nothing to a tool without
	 * arguments.
	 * @throws ToolFailure when the text is not JSON, or not a JSON object
	 */
	public static ToolArguments parse(String arguments) {
		if (arguments == null || arguments.isBlank()) {
			return new ToolArguments(JSON.createObjectNode());
		}
		JsonNode node;
		try {
			node = JSON.readTree(arguments);
		}
		catch (JacksonException ex) {
			throw new ToolFailure("arguments are not valid JSON: " + ex.getOriginalMessage());
		}
		if (!(node instanceof ObjectNode object)) {
			throw new ToolFailure("arguments must be a JSON object, not " + describe(node));
		}
		return new ToolArguments(object);
	}

	/** @throws ToolFailure when the field is missing, blank or not a string */
	public String requiredText(String field) {
		String value = optionalText(field);
		if (value == null || value.isBlank()) {
			throw new ToolFailure("argument '" + field + "' is required");
		}
		return value;
	}

	/** @return the string, or null when the field is missing or JSON null; @throws ToolFailure when it is not a string */
	public String optionalText(String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new ToolFailure("argument '" + field + "' must be a string, not " + describe(value));
		}
		return value.stringValue();
	}

	/**
	 * A field of any JSON type as text: a string as itself, anything else as its JSON.
	 * @throws ToolFailure when the field is missing
	 */
	public String requiredAnyAsText(String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			throw new ToolFailure("argument '" + field + "' is required");
		}
		return value.isString() ? value.stringValue() : JSON.writeValueAsString(value);
	}

	/** A field of any JSON type as it was written, or null when it is missing or JSON null. */
	public JsonNode optionalNode(String field) {
		JsonNode value = node.get(field);
		return value == null || value.isNull() ? null : value;
	}

	/** The whole object as plain Java values (maps, lists, strings, numbers, booleans), for passing on. */
	public Map<String, Object> asMap() {
		return JSON.convertValue(node, new TypeReference<Map<String, Object>>() {
		});
	}

	private static String describe(JsonNode node) {
		return switch (node.getNodeType()) {
			case ARRAY -> "an array";
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			default -> node.getNodeType().name().toLowerCase();
		};
	}
}
