package io.colony.worker.llm;

import java.time.Duration;

/**
 * An LLM provider answered with an error status (or with something that is not its API's JSON). Carries
 * what back-pressure needs: the status and the provider's {@code Retry-After}, if it sent one. The message
 * is built from the status and the provider's name only, never from the response body, which may quote
 * the prompt or the key.
 *
 * @see LlmFailures#classify
 */
public final class ProviderException extends RuntimeException {

	/** Status used for a 2xx answer whose body could not be understood. */
	public static final int MALFORMED_RESPONSE = 502;

	private final String provider;

	private final int status;

	private final Duration retryAfter;

	public ProviderException(String provider, int status, Duration retryAfter, String message) {
		super(message, null, false, false);
		this.provider = provider;
		this.status = status;
		this.retryAfter = retryAfter;
	}

	public String provider() {
		return provider;
	}

	/** HTTP status; {@link #MALFORMED_RESPONSE} when a 2xx body was not the API's JSON. */
	public int status() {
		return status;
	}

	/** The provider's {@code Retry-After}, or {@code null} when it sent none. */
	public Duration retryAfter() {
		return retryAfter;
	}

	/** 408, 429 and 5xx may succeed later; other 4xx will not. */
	public boolean retryable() {
		return status == 408 || status == 429 || status >= 500;
	}
}
