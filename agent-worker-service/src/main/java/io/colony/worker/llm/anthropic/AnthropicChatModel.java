package io.colony.worker.llm.anthropic;

import io.colony.worker.llm.http.ProviderHttp;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Spring AI {@link ChatModel} for Anthropic's Messages API ({@code POST /v1/messages}), on
 * {@link WebClient} so that a waiting call holds no thread (Spring AI's own Anthropic model holds one per
 * open call).
 *
 * <p>{@link #stream} sends one non-streaming request and emits its whole answer as a single
 * {@link ChatResponse}. Failures are those of {@link ProviderHttp#post} (Anthropic's 529 "overloaded" is a
 * retryable 5xx); nothing is retried here. Tools are declared, never executed: the tool calls come back in
 * the answer for the caller to run.
 */
public final class AnthropicChatModel implements ChatModel, AutoCloseable {

	static final String PROVIDER = "anthropic";

	static final String API_VERSION = "2023-06-01";

	private final AnthropicSettings settings;

	private final ProviderHttp http;

	public AnthropicChatModel(AnthropicSettings settings, WebClient.Builder webClient) {
		this.settings = settings;
		this.http = new ProviderHttp(PROVIDER, settings.baseUrl(), webClient, settings.timeout(),
				settings.maxResponseSize(), settings.maxConnections());
	}

	/** Blocks its caller until the answer is in; prefer {@link #stream}. */
	@Override
	public ChatResponse call(Prompt prompt) {
		return answer(prompt).block();
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return answer(prompt).flux();
	}

	@Override
	public ChatOptions getDefaultOptions() {
		return ChatOptions.builder().model(settings.model()).maxTokens(settings.maxTokens()).build();
	}

	/** Closes the connection pool. */
	@Override
	public void close() {
		http.close();
	}

	private Mono<ChatResponse> answer(Prompt prompt) {
		return Mono.fromCallable(() -> AnthropicRequests.of(prompt, settings.model(), settings.maxTokens()))
			.flatMap(request -> http.post("/v1/messages", this::authenticate, request,
					AnthropicResponses::toChatResponse));
	}

	private void authenticate(HttpHeaders headers) {
		if (settings.apiKey() != null) {
			headers.set("x-api-key", settings.apiKey());
		}
		headers.set("anthropic-version", API_VERSION);
	}
}
