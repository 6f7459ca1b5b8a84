package io.colony.worker.llm.anthropic;

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
 * Messages API answer → Spring AI {@link ChatResponse} with one {@link Generation}: the {@code text} blocks
 * joined, each {@code tool_use} block as a tool call whose arguments are its {@code input} as JSON text, and
 * {@code stop_reason} as the finish reason. Other block types (e.g. {@code thinking}) are skipped.
 */
final class AnthropicResponses {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AnthropicResponses() {
	}

	static ChatResponse toChatResponse(JsonNode answer) {
		StringBuilder text = new StringBuilder();
		List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
		for (JsonNode block : UnexpectedJson.array(answer, "content")) {
			switch (UnexpectedJson.text(block, "type")) {
				case "text" -> text.append(UnexpectedJson.text(block, "text"));
				case "tool_use" -> toolCalls.add(toolCall(block));
				default -> {
				}
			}
		}
		AssistantMessage output = AssistantMessage.builder().content(text.toString()).toolCalls(toolCalls).build();
		ChatGenerationMetadata generation = ChatGenerationMetadata.builder()
			.finishReason(UnexpectedJson.optionalText(answer, "stop_reason"))
			.build();
		JsonNode usage = answer.get("usage");
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id(UnexpectedJson.optionalText(answer, "id"))
			.model(UnexpectedJson.optionalText(answer, "model"))
			.usage(new DefaultUsage(UnexpectedJson.count(usage, "input_tokens"),
					UnexpectedJson.count(usage, "output_tokens")))
			.build();
		return new ChatResponse(List.of(new Generation(output, generation)), metadata);
	}

	private static AssistantMessage.ToolCall toolCall(JsonNode block) {
		JsonNode input = block.get("input");
		if (input == null || !input.isObject()) {
			throw new UnexpectedJson("'input' is not an object");
		}
		return new AssistantMessage.ToolCall(UnexpectedJson.text(block, "id"), "function",
				UnexpectedJson.text(block, "name"), JSON.writeValueAsString(input));
	}
}
