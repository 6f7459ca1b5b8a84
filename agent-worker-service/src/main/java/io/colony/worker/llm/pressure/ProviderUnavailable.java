package io.colony.worker.llm.pressure;

import java.time.Instant;

/**
 * The breaker of an LLM provider is open: the call was not made. Always retryable, later or elsewhere; the
 * message names only the provider and the time the breaker lets a probe through, so it is safe to publish.
 */
public final class ProviderUnavailable extends RuntimeException {

	private final String provider;

	private final Instant until;

	ProviderUnavailable(String provider, Instant until) {
		super("circuit open for provider " + provider + " until " + until, null, false, false);
		this.provider = provider;
		this.until = until;
	}

	public String provider() {
		return provider;
	}

	/** When the breaker lets one probe call through again. */
	public Instant until() {
		return until;
	}

	/** A publishable reason, the same as the message. */
	public String reason() {
		return getMessage();
	}

	public boolean retryable() {
		return true;
	}
}
