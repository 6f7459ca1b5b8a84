package io.colony.worker.llm.pressure;

import io.colony.worker.llm.ProviderException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What one call told us about the provider, as the breaker and adaptive concurrency read it.
 *
 * @param retryAfter the provider's {@code Retry-After}, or {@code null}
 */
record Outcome(Kind kind, Duration retryAfter) {

	static final Outcome SUCCEEDED = new Outcome(Kind.SUCCEEDED, null);

	static final Outcome CANCELLED = new Outcome(Kind.CANCELLED, null);

	enum Kind {
		SUCCEEDED,
		/** 429: the provider is up and asks us to slow down. */
		RATE_LIMITED,
		/** 5xx, or a 2xx body that was not the API's. */
		SERVER_ERROR,
		/** The caller's timeout ran out, or the provider answered 408. */
		TIMED_OUT,
		/** No answer at all: connection refused, reset, DNS. */
		UNREACHABLE,
		/** Another 4xx: the request (or its key) is wrong, not the provider. */
		REJECTED,
		/** The call was cancelled by its caller; says nothing about the provider. */
		CANCELLED,
		/** Not a provider failure we know, e.g. the breaker itself failing fast, or a bug. */
		UNKNOWN
	}

	/** Outcomes that ask for fewer calls at once. */
	boolean overload() {
		return kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR || kind == Kind.TIMED_OUT;
	}

	/**
	 * Outcomes that look like an outage and count towards opening the breaker. A 429 does not: it is
	 * back-pressure from a provider that is up, handled by the concurrency limit and the Retry-After pause.
	 */
	boolean outage() {
		return kind == Kind.SERVER_ERROR || kind == Kind.TIMED_OUT || kind == Kind.UNREACHABLE;
	}

	/** Finds the first known failure in the cause chain (providers and Reactor wrap freely). */
	static Outcome of(Throwable error) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof ProviderUnavailable) {
				return new Outcome(Kind.UNKNOWN, null);
			}
			if (current instanceof ProviderException provider) {
				return ofStatus(provider.status(), provider.retryAfter());
			}
			if (current instanceof TimeoutException) {
				return new Outcome(Kind.TIMED_OUT, null);
			}
			if (current instanceof IOException) {
				return new Outcome(Kind.UNREACHABLE, null);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return new Outcome(Kind.UNKNOWN, null);
	}

	private static Outcome ofStatus(int status, Duration retryAfter) {
		Duration pause = retryAfter == null || retryAfter.isNegative() || retryAfter.isZero() ? null : retryAfter;
		if (status == 429) {
			return new Outcome(Kind.RATE_LIMITED, pause);
		}
		if (status == 408) {
			return new Outcome(Kind.TIMED_OUT, pause);
		}
		if (status >= 500) {
			return new Outcome(Kind.SERVER_ERROR, pause);
		}
		return new Outcome(Kind.REJECTED, null);
	}
}
