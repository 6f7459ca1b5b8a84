package io.colony.contracts;

import java.time.Duration;

/**
 * Per-job limits. A {@code null} component means "use the orchestrator's default".
 *
 * @param deadline how long after acceptance the job may run before it finishes with what it has
 * @param maxAttempts how many times one task may be attempted (first run included)
 */
public record JobLimits(Duration deadline, Integer maxAttempts) {

	public static final JobLimits DEFAULTS = new JobLimits(null, null);
}
