package io.colony.worker.llm.openai;

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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Spring AI {@link Prompt} → Chat Completions request body, non-streaming. Messages are text only; a
 * {@link ToolResponseMessage} becomes one {@code role: tool} message per response, in order.
 */
final class OpenAiRequests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

	private OpenAiRequests() {
	}

	static ObjectNode of(Prompt prompt, String defaultModel) {
		ChatOptions options = prompt.getOptions();
		ObjectNode request = JSON.createObjectNode();
		request.put("model", options != null && options.getModel() != null ? options.getModel() : defaultModel);
		ArrayNode messages = request.putArray("messages");
		prompt.getInstructions().forEach(message -> add(messages, message));
		request.put("stream", false);
		if (options != null) {
			putOptions(request, options);
		}
		return request;
	}

	private static void add(ArrayNode messages, Message message) {
		switch (message) {
			case SystemMessage system -> messages.addObject().put("role", "system").put("content", textOf(system));
			case UserMessage user -> messages.addObject().put("role", "user").put("content", textOf(user));
			case AssistantMessage assistant -> messages.add(assistant(assistant));
			case ToolResponseMessage tools -> tools.getResponses()
				.forEach(response -> messages.addObject()
					.put("role", "tool")
					.put("tool_call_id", response.id())
					.put("content", response.responseData() == null ? "" : response.responseData()));
			default -> throw new IllegalArgumentException("Unsupported message type " + message.getMessageType());
		}
	}

	/** Content may be null only when the assistant called tools, as the API allows. */
	private static ObjectNode assistant(AssistantMessage assistant) {
		ObjectNode message = JSON.createObjectNode().put("role", "assistant");
		String text = assistant.getText();
		if (!assistant.hasToolCalls()) {
			return message.put("content", text == null ? "" : text);
		}
		message.put("content", text == null || text.isEmpty() ? null : text);
		ArrayNode calls = message.putArray("tool_calls");
		for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
			ObjectNode function = calls.addObject().put("id", call.id()).put("type", "function").putObject("function");
			function.put("name", call.name()).put("arguments", call.arguments() == null ? "{}" : call.arguments());
		}
		return message;
	}

	private static void putOptions(ObjectNode request, ChatOptions options) {
		if (options.getTemperature() != null) {
			request.put("temperature", options.getTemperature());
		}
		if (options.getMaxTokens() != null) {
			request.put("max_tokens", options.getMaxTokens());
		}
		if (options.getTopP() != null) {
			request.put("top_p", options.getTopP());
		}
		if (options.getStopSequences() != null && !options.getStopSequences().isEmpty()) {
			options.getStopSequences().forEach(request.putArray("stop")::add);
		}
		if (options instanceof ToolCallingChatOptions tooling && tooling.getToolCallbacks() != null
				&& !tooling.getToolCallbacks().isEmpty()) {
			ArrayNode tools = request.putArray("tools");
			for (ToolCallback callback : tooling.getToolCallbacks()) {
				ToolDefinition definition = callback.getToolDefinition();
				ObjectNode function = tools.addObject().put("type", "function").putObject("function");
				function.put("name", definition.name())
					.put("description", definition.description())
					.set("parameters", JSON.readTree(definition.inputSchema() == null ? EMPTY_SCHEMA : definition.inputSchema()));
			}
		}
	}

	private static String textOf(Message message) {
		return message.getText() == null ? "" : message.getText();
	}
}
