package io.colony.worker.llm.openai;

import io.colony.worker.llm.http.UnexpectedJson;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat Completions answer → Spring AI {@link ChatResponse}: one {@link Generation} per choice with the
 * text, the tool calls and the finish reason; id, model and token usage in the metadata (usage 0 when the
 * server reports none, which the caller treats as "estimate").
 */
final class OpenAiResponses {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private OpenAiResponses() {
	}

	static ChatResponse toChatResponse(JsonNode answer) {
		JsonNode choices = UnexpectedJson.array(answer, "choices");
		if (choices.isEmpty()) {
			throw new UnexpectedJson("'choices' is empty");
		}
		List<Generation> generations = new ArrayList<>(choices.size());
		for (JsonNode choice : choices) {
			generations.add(generation(choice));
		}
		JsonNode usage = answer.get("usage");
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id(UnexpectedJson.optionalText(answer, "id"))
			.model(UnexpectedJson.optionalText(answer, "model"))
			.usage(new DefaultUsage(UnexpectedJson.count(usage, "prompt_tokens"),
					UnexpectedJson.count(usage, "completion_tokens")))
			.build();
		return new ChatResponse(generations, metadata);
	}

	private static Generation generation(JsonNode choice) {
		JsonNode message = choice.get("message");
		if (message == null || !message.isObject()) {
			throw new UnexpectedJson("'message' is not an object");
		}
		String content = UnexpectedJson.optionalText(message, "content");
		AssistantMessage output = AssistantMessage.builder()
			.content(content == null ? "" : content)
			.toolCalls(toolCalls(message))
			.build();
		String finishReason = UnexpectedJson.optionalText(choice, "finish_reason");
		return new Generation(output, ChatGenerationMetadata.builder().finishReason(finishReason).build());
	}

	private static List<AssistantMessage.ToolCall> toolCalls(JsonNode message) {
		JsonNode calls = message.get("tool_calls");
		if (calls == null || calls.isNull()) {
			return List.of();
		}
		List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
		for (JsonNode call : UnexpectedJson.array(message, "tool_calls")) {
			JsonNode function = call.get("function");
			if (function == null || !function.isObject()) {
				throw new UnexpectedJson("'function' is not an object");
			}
			toolCalls.add(new AssistantMessage.ToolCall(UnexpectedJson.text(call, "id"), "function",
					UnexpectedJson.text(function, "name"), arguments(function.get("arguments"))));
		}
		return toolCalls;
	}

	/**
	 * The API sends arguments as a JSON string; some compatible servers send the object itself. Either way
	 * the tool gets JSON text, checked by the tool, not here (a model may write malformed arguments).
	 */
	private static String arguments(JsonNode arguments) {
		if (arguments == null || arguments.isNull()) {
			return "{}";
		}
		return arguments.isString() ? arguments.stringValue() : JSON.writeValueAsString(arguments);
	}
}
