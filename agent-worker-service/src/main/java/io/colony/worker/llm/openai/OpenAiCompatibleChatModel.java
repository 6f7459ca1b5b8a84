package io.colony.worker.llm.openai;

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
 * A Spring AI {@link ChatModel} for any OpenAI-compatible Chat Completions endpoint, on {@link WebClient}
 * so that a waiting call holds no thread (Spring AI's own OpenAI model holds one per open call).
 *
 * <p>{@link #stream} sends one non-streaming request and emits its whole answer as a single
 * {@link ChatResponse}: the agent loop needs the complete tool calls and the usage, not tokens as they come.
 * Failures are those of {@link ProviderHttp#post}; nothing is retried here. Tools are declared to the model
 * from {@link org.springframework.ai.model.tool.ToolCallingChatOptions#getToolCallbacks()}, never executed:
 * the tool calls come back in the answer for the caller to run.
 */
public final class OpenAiCompatibleChatModel implements ChatModel, AutoCloseable {

	static final String PROVIDER = "openai";

	private final OpenAiCompatibleSettings settings;

	private final ProviderHttp http;

	public OpenAiCompatibleChatModel(OpenAiCompatibleSettings settings, WebClient.Builder webClient) {
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
		return ChatOptions.builder().model(settings.model()).build();
	}

	/** Closes the connection pool. */
	@Override
	public void close() {
		http.close();
	}

	private Mono<ChatResponse> answer(Prompt prompt) {
		return Mono.fromCallable(() -> OpenAiRequests.of(prompt, settings.model()))
			.flatMap(request -> http.post("/chat/completions", this::authenticate, request,
					OpenAiResponses::toChatResponse));
	}

	private void authenticate(HttpHeaders headers) {
		if (settings.apiKey() != null) {
			headers.setBearerAuth(settings.apiKey());
		}
	}
}
