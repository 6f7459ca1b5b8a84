package io.colony.worker.llm;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in LLM for local runs, tests and load tests: it answers after a fixed latency with a
 * deterministic summary of the prompt's input (its first sentence, at most {@value #MAX_WORDS} words) and
 * token counts estimated as words.
 *
 * <p>{@link #stream} waits on Reactor's timer ({@code Mono.delay}), so any number of calls may be pending
 * without holding a thread; {@link #call} blocks its caller for the latency, as the blocking API must.
 */
public final class SimulatedChatModel implements ChatModel {

	static final String MODEL = "colony-simulated";

	static final String PREFIX = "Summary: ";

	static final int MAX_WORDS = 40;

	private final Duration latency;

	public SimulatedChatModel(Duration latency) {
		this.latency = latency;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		return stream(prompt).blockLast();
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Mono.delay(latency).map(tick -> answer(prompt)).flux();
	}

	/** The answer, without the wait. */
	static ChatResponse answer(Prompt prompt) {
		String userText = prompt.getUserMessage() == null ? "" : textOf(prompt.getUserMessage());
		String output = PREFIX + firstSentence(inputOf(userText));
		int promptTokens = prompt.getInstructions().stream().mapToInt(message -> words(textOf(message))).sum();
		int completionTokens = words(output);
		String model = prompt.getOptions() != null && prompt.getOptions().getModel() != null
				? prompt.getOptions().getModel() : MODEL;
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id(UUID.nameUUIDFromBytes(output.getBytes(StandardCharsets.UTF_8)).toString())
			.model(model)
			.usage(new DefaultUsage(promptTokens, completionTokens))
			.build();
		return new ChatResponse(List.of(new Generation(new AssistantMessage(output))), metadata);
	}

	/** The user message is {@code instruction + "\n\n" + input}: the input is what follows the last blank line. */
	static String inputOf(String userText) {
		int separator = userText.lastIndexOf("\n\n");
		return (separator < 0 ? userText : userText.substring(separator + 2)).strip();
	}

	static String firstSentence(String text) {
		if (text.isBlank()) {
			return "(empty input)";
		}
		String sentence = text;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c == '.' || c == '!' || c == '?') && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
				sentence = text.substring(0, i + 1);
				break;
			}
		}
		String[] words = sentence.strip().split("\\s+");
		return words.length <= MAX_WORDS ? String.join(" ", words)
				: String.join(" ", Arrays.copyOf(words, MAX_WORDS)) + " …";
	}

	static int words(String text) {
		String stripped = text == null ? "" : text.strip();
		return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
	}

	private static String textOf(Message message) {
		String text = message.getText();
		return text == null ? "" : text;
	}
}
