package io.colony.worker.llm;

import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Maps what an LLM call threw to a {@link LlmFailure}: rate limits (429), server errors (5xx), request
 * timeouts (408) and I/O failures may succeed on another attempt; other 4xx (bad request, bad key,
 * unknown model) will not. Reasons are built from status codes and exception types only, never from
 * exception messages or bodies, which may echo prompts or credentials.
 */
public final class LlmFailures {

	private LlmFailures() {
	}

	public static LlmFailure classify(Throwable error, Duration timeout) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof io.colony.worker.llm.pressure.ProviderUnavailable unavailable) {
				return new LlmFailure(unavailable.reason(), true);
			}
			if (current instanceof ProviderException provider) {
				// MALFORMED_RESPONSE is 502, so a gateway's own 502 cannot be told apart from a garbled 2xx body
				return provider.status() == ProviderException.MALFORMED_RESPONSE
						? new LlmFailure("LLM provider answered HTTP 502 or malformed JSON", true)
						: forStatus(provider.status());
			}
			if (current instanceof RestClientResponseException response) {
				return forStatus(response.getStatusCode().value());
			}
			if (current instanceof WebClientResponseException response) {
				return forStatus(response.getStatusCode().value());
			}
			if (current instanceof TimeoutException) {
				return new LlmFailure("LLM call did not finish within " + timeout, true);
			}
			if (current instanceof IOException || current instanceof WebClientRequestException) {
				return new LlmFailure("LLM provider unreachable (" + current.getClass().getSimpleName() + ")", true);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return new LlmFailure("LLM call failed (" + error.getClass().getSimpleName() + ")", true);
	}

	static LlmFailure forStatus(int status) {
		boolean retryable = status == 408 || status == 429 || status >= 500;
		String meaning = switch (status) {
			case 400 -> " bad request";
			case 401 -> " unauthorized (check the API key)";
			case 403 -> " forbidden";
			case 404 -> " not found (check the base URL and model)";
			case 408 -> " request timeout";
			case 429 -> " rate limited";
			default -> status >= 500 ? " server error" : "";
		};
		return new LlmFailure("LLM provider answered HTTP " + status + meaning, retryable);
	}
}
