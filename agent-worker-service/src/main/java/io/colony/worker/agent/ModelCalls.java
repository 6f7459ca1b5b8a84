package io.colony.worker.agent;

import io.colony.platform.pricing.TokenEstimate;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One LLM call as the agent loop makes it: from the response cache when the call is deterministic and was
 * answered before, otherwise through the provider's guard (rate limits, concurrency, breaker), on the
 * model's streaming API so that the wait holds no thread, bounded by {@code timeout}.
 */
final class ModelCalls {

	private final CallGuard guard;

	private final ResponseCache cache;

	private final Duration timeout;

	ModelCalls(CallGuard guard, ResponseCache cache, Duration timeout) {
		this.guard = guard;
		this.cache = cache;
		this.timeout = timeout;
	}

	Duration timeout() {
		return timeout;
	}

	Mono<ModelReply> ask(ResolvedModel model, Prompt prompt) {
		boolean cacheable = cache.enabled() && model.deterministic();
		String key = cacheable ? ResponseCache.keyOf(model, prompt) : null;
		if (cacheable) {
			ModelReply cached = cache.get(key);
			if (cached != null) {
				return Mono.just(cached.fromCache());
			}
		}
		long estimate = estimateTokens(prompt) + (model.maxTokens() == null ? 256 : model.maxTokens());
		Mono<ModelReply> call = guard.call(model.provider(), estimate,
				() -> Mono.defer(() -> model.chatModel().stream(prompt).collectList())
					.map(responses -> merge(prompt, responses))
					.timeout(timeout),
				ModelReply::tokens);
		return cacheable ? call.doOnNext(reply -> cache.put(key, reply)) : call;
	}

	/**
	 * Joins streamed chunks: text is concatenated, tool calls collected in order. Providers report usage once,
	 * usually on the last chunk; when none did, it is estimated as words so that limits still count something.
	 */
	static ModelReply merge(Prompt prompt, List<ChatResponse> responses) {
		StringBuilder text = new StringBuilder();
		List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
		long promptTokens = 0;
		long completionTokens = 0;
		for (ChatResponse response : responses) {
			for (Generation generation : response.getResults()) {
				AssistantMessage output = generation.getOutput();
				if (output == null) {
					continue;
				}
				if (output.getText() != null) {
					text.append(output.getText());
				}
				toolCalls.addAll(output.getToolCalls());
			}
			org.springframework.ai.chat.metadata.Usage usage = response.getMetadata() == null ? null
					: response.getMetadata().getUsage();
			if (usage != null && (positive(usage.getPromptTokens()) || positive(usage.getCompletionTokens()))) {
				promptTokens = usage.getPromptTokens() == null ? 0 : usage.getPromptTokens();
				completionTokens = usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens();
			}
		}
		String output = text.toString();
		if (promptTokens == 0 && completionTokens == 0) {
			promptTokens = estimateTokens(prompt);
			completionTokens = TokenEstimate.words(output);
		}
		AssistantMessage message = AssistantMessage.builder().content(output).toolCalls(toolCalls).build();
		return new ModelReply(message, promptTokens, completionTokens, false);
	}

	/** Words as a stand-in for tokens ({@link TokenEstimate}): cheap, and close enough to bound a budget before the call. */
	static long estimateTokens(Prompt prompt) {
		long tokens = 0;
		for (Message message : prompt.getInstructions()) {
			tokens += TokenEstimate.words(message.getText());
			if (message instanceof org.springframework.ai.chat.messages.ToolResponseMessage tools) {
				for (var response : tools.getResponses()) {
					tokens += TokenEstimate.words(response.responseData());
				}
			}
		}
		return tokens;
	}


	private static boolean positive(Integer value) {
		return value != null && value > 0;
	}
}
