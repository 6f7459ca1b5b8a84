package io.colony.orchestrator.retry;

import java.time.Duration;

/** Exponential backoff between attempts of one task: {@code base}, {@code 2·base}, {@code 4·base}, … up to {@code max}. */
record RetryBackoff(Duration base, Duration max) {

	RetryBackoff {
		if (base.isNegative() || max.compareTo(base) < 0) {
			throw new IllegalArgumentException("retry backoff must be non-negative and at most its maximum");
		}
	}

	/** How long to wait before the attempt after {@code failedAttempt} (1 for the first). */
	Duration after(int failedAttempt) {
		int doublings = Math.max(0, failedAttempt - 1);
		if (doublings >= 31) {
			return max;
		}
		Duration delay = base.multipliedBy(1L << doublings);
		return delay.compareTo(max) > 0 ? max : delay;
	}
}
