package io.colony.gateway.ratelimit;

import java.time.Duration;

/** A rate limit's answer to one request. */
sealed interface Admission {

	record Admitted() implements Admission {
	}

	/** @param retryAfter until the oldest counted request leaves the window, so that one more fits */
	record Refused(Duration retryAfter) implements Admission {

		/** Whole seconds, rounded up and at least 1, as {@code Retry-After} wants them. */
		long retryAfterSeconds() {
			long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
			return Math.max(1, seconds);
		}
	}
}
