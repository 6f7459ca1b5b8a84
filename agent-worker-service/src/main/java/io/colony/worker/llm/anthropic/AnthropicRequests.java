package io.colony.worker.llm.anthropic;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Spring AI {@link Prompt} → Messages API request body, non-streaming. System messages become the
 * top-level {@code system} string; the others become {@code user}/{@code assistant} turns of content blocks
 * ({@code text}, {@code tool_use}, and {@code tool_result} inside a user turn). Consecutive turns of one role
 * are merged into one, and empty text blocks are left out, because the API rejects both.
 */
final class AnthropicRequests {

	/**
	 * A tool result starting with this is sent with {@code is_error: true}: the agent loop reports a failed
	 * tool to the model as {@code "error: …"} (see {@link io.colony.worker.tool.AgentTool}).
	 */
	static final String TOOL_ERROR_PREFIX = "error:";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

	private AnthropicRequests() {
	}

	static ObjectNode of(Prompt prompt, String defaultModel, int defaultMaxTokens) {
		ChatOptions options = prompt.getOptions();
		ObjectNode request = JSON.createObjectNode();
		request.put("model", options != null && options.getModel() != null ? options.getModel() : defaultModel);
		request.put("max_tokens",
				options != null && options.getMaxTokens() != null ? options.getMaxTokens() : defaultMaxTokens);
		StringJoiner system = new StringJoiner("\n\n");
		List<ObjectNode> turns = new ArrayList<>();
		for (Message message : prompt.getInstructions()) {
			if (message instanceof SystemMessage) {
				if (message.getText() != null && !message.getText().isBlank()) {
					system.add(message.getText());
				}
			}
			else {
				addTurn(turns, role(message), blocks(message));
			}
		}
		if (system.length() > 0) {
			request.put("system", system.toString());
		}
		turns.forEach(request.putArray("messages")::add);
		if (options != null) {
			putOptions(request, options);
		}
		return request;
	}

	private static String role(Message message) {
		return message instanceof AssistantMessage ? "assistant" : "user";
	}

	private static ArrayNode blocks(Message message) {
		ArrayNode blocks = JSON.createArrayNode();
		switch (message) {
			case UserMessage user -> addText(blocks, user.getText());
			case AssistantMessage assistant -> {
				addText(blocks, assistant.getText());
				for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
					blocks.addObject()
						.put("type", "tool_use")
						.put("id", call.id())
						.put("name", call.name())
						.set("input", input(call.arguments()));
				}
			}
			case ToolResponseMessage tools -> {
				for (ToolResponseMessage.ToolResponse response : tools.getResponses()) {
					String content = response.responseData() == null ? "" : response.responseData();
					ObjectNode result = blocks.addObject()
						.put("type", "tool_result")
						.put("tool_use_id", response.id())
						.put("content", content);
					if (content.startsWith(TOOL_ERROR_PREFIX)) {
						result.put("is_error", true);
					}
				}
			}
			default -> throw new IllegalArgumentException("Unsupported message type " + message.getMessageType());
		}
		return blocks;
	}

	private static void addTurn(List<ObjectNode> turns, String role, ArrayNode blocks) {
		if (blocks.isEmpty()) {
			return;
		}
		ObjectNode last = turns.isEmpty() ? null : turns.getLast();
		if (last != null && role.equals(last.get("role").stringValue())) {
			((ArrayNode) last.get("content")).addAll(blocks);
			return;
		}
		ObjectNode turn = JSON.createObjectNode().put("role", role);
		turn.set("content", blocks);
		turns.add(turn);
	}

	private static void addText(ArrayNode blocks, String text) {
		if (text != null && !text.isEmpty()) {
			blocks.addObject().put("type", "text").put("text", text);
		}
	}

	/**
	 * A tool call's arguments as the {@code input} object the API wants back. They came from Anthropic as an
	 * object, so they parse; anything else is sent as an empty object rather than failing the whole call.
	 */
	private static JsonNode input(String arguments) {
		if (arguments == null || arguments.isBlank()) {
			return JSON.createObjectNode();
		}
		try {
			JsonNode input = JSON.readTree(arguments);
			return input != null && input.isObject() ? input : JSON.createObjectNode();
		}
		catch (JacksonException malformed) {
			return JSON.createObjectNode();
		}
	}

	private static void putOptions(ObjectNode request, ChatOptions options) {
		if (options.getTemperature() != null) {
			request.put("temperature", options.getTemperature());
		}
		if (options.getTopP() != null) {
			request.put("top_p", options.getTopP());
		}
		if (options.getTopK() != null) {
			request.put("top_k", options.getTopK());
		}
		if (options.getStopSequences() != null && !options.getStopSequences().isEmpty()) {
			options.getStopSequences().forEach(request.putArray("stop_sequences")::add);
		}
		if (options instanceof ToolCallingChatOptions tooling && tooling.getToolCallbacks() != null
				&& !tooling.getToolCallbacks().isEmpty()) {
			ArrayNode tools = request.putArray("tools");
			for (ToolCallback callback : tooling.getToolCallbacks()) {
				ToolDefinition definition = callback.getToolDefinition();
				String schema = definition.inputSchema() == null ? EMPTY_SCHEMA : definition.inputSchema();
				tools.addObject()
					.put("name", definition.name())
					.put("description", definition.description())
					.set("input_schema", JSON.readTree(schema));
			}
		}
	}
}
