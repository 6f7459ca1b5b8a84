package io.colony.worker.llm;

import io.colony.platform.pricing.TokenEstimate;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
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
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in LLM for local runs, tests and load tests: deterministic, with a fixed latency, and able to call
 * tools so that the agent loop is exercised without a real model.
 *
 * <p>It answers {@code Summary: <first sentence of the input, at most 40 words>}, with token counts estimated
 * as words. Directives in the user message script it (they are left out of the summary):
 * <ul>
 * <li>{@code [[call <tool> <json arguments>]]}: the n-th directive is called on the n-th turn (a turn is
 * counted by tool results already in the conversation); after the last one it answers, appending each tool
 * result it saw as {@code [<tool>: <result, cut at 200 characters>]};</li>
 * <li>{@code [[repeat <tool> <json arguments>]]}: calls the tool on every turn, never answering (to hit step
 * limits);</li>
 * <li>{@code [[tokens <n>]]}: reports {@code n} completion tokens per answer (to hit token budgets);</li>
 * <li>{@code [[answer]]<text>[[/answer]]}: the final answer is exactly {@code text} (to script a supervisor's plan,
 * or a specialist's verdict). Not inside a {@code ## request} section: that is a composing supervisor quoting the
 * request its plan was made for, which must not answer with the plan again.</li>
 * </ul>
 *
 * <p>{@link #stream} waits on Reactor's timer ({@code Mono.delay}), so any number of calls may be pending
 * without holding a thread; {@link #call} blocks its caller for the latency, as the blocking API must.
 */
public final class SimulatedChatModel implements ChatModel {

	public static final String MODEL = "colony-simulated";

	static final String PREFIX = "Summary: ";

	static final int MAX_WORDS = 40;

	static final int MAX_RESULT_CHARS = 200;

	private static final Pattern DIRECTIVE = Pattern.compile("\\[\\[(call|repeat|tokens)\\s+([^\\s\\]]+)\\s*(.*?)]]",
			Pattern.DOTALL);

	private static final Pattern ANSWER = Pattern.compile("\\[\\[answer]](.*?)\\[\\[/answer]]", Pattern.DOTALL);

	/** Where a composing supervisor quotes the request (see the orchestrator's compose input). */
	private static final String QUOTED_REQUEST = "## request";

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
		Script script = Script.of(userText);
		List<ToolResponseMessage.ToolResponse> seen = prompt.getInstructions()
			.stream()
			.filter(ToolResponseMessage.class::isInstance)
			.flatMap(message -> ((ToolResponseMessage) message).getResponses().stream())
			.toList();
		AssistantMessage output;
		int turn = seen.size();
		if (script.repeat() != null) {
			output = toolCall(script.repeat(), turn);
		}
		else if (turn < script.calls().size()) {
			output = toolCall(script.calls().get(turn), turn);
		}
		else if (script.answer() != null) {
			output = new AssistantMessage(script.answer());
		}
		else {
			StringBuilder text = new StringBuilder(PREFIX).append(firstSentence(inputOf(script.text())));
			for (ToolResponseMessage.ToolResponse response : seen) {
				String data = response.responseData() == null ? "" : response.responseData().strip();
				text.append(" [").append(response.name()).append(": ")
					.append(data.length() <= MAX_RESULT_CHARS ? data : data.substring(0, MAX_RESULT_CHARS) + " …")
					.append(']');
			}
			output = new AssistantMessage(text.toString());
		}
		int promptTokens = prompt.getInstructions().stream().mapToInt(message -> words(textOf(message))).sum()
				+ seen.stream().mapToInt(response -> words(response.responseData())).sum();
		int completionTokens = script.tokens() != null ? script.tokens()
				: words(output.getText()) + output.getToolCalls().stream().mapToInt(call -> words(call.arguments()) + 1).sum();
		String model = prompt.getOptions() != null && prompt.getOptions().getModel() != null
				? prompt.getOptions().getModel() : MODEL;
		String fingerprint = output.getText() + output.getToolCalls();
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id(UUID.nameUUIDFromBytes(fingerprint.getBytes(StandardCharsets.UTF_8)).toString())
			.model(model)
			.usage(new DefaultUsage(promptTokens, completionTokens))
			.build();
		return new ChatResponse(List.of(new Generation(output)), metadata);
	}

	private static AssistantMessage toolCall(Call call, int turn) {
		return AssistantMessage.builder()
			.content("")
			.toolCalls(List.of(new AssistantMessage.ToolCall("call-" + (turn + 1), "function", call.tool(), call.arguments())))
			.build();
	}

	/** The directives of a user message, and its text without them. */
	record Script(String text, List<Call> calls, Call repeat, Integer tokens, String answer) {

		static Script of(String userText) {
			int quoted = userText.indexOf(QUOTED_REQUEST);
			Matcher scripted = ANSWER.matcher(quoted < 0 ? userText : userText.substring(0, quoted));
			String answer = scripted.find() ? scripted.group(1).strip() : null;
			userText = ANSWER.matcher(userText).replaceAll("");
			List<Call> calls = new ArrayList<>();
			Call repeat = null;
			Integer tokens = null;
			Matcher matcher = DIRECTIVE.matcher(userText);
			while (matcher.find()) {
				String arguments = matcher.group(3).strip();
				switch (matcher.group(1)) {
					case "call" -> calls.add(new Call(matcher.group(2), arguments.isEmpty() ? "{}" : arguments));
					case "repeat" -> repeat = new Call(matcher.group(2), arguments.isEmpty() ? "{}" : arguments);
					default -> tokens = Integer.parseInt(matcher.group(2));
				}
			}
			return new Script(DIRECTIVE.matcher(userText).replaceAll(""), calls, repeat, tokens, answer);
		}
	}

	record Call(String tool, String arguments) {
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

	/** The simulated tokenizer: the same word count every pre-call estimate uses. */
	static int words(String text) {
		return TokenEstimate.words(text);
	}

	private static String textOf(Message message) {
		String text = message.getText();
		return text == null ? "" : text;
	}
}
