package io.colony.contracts;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Per-job limits. A {@code null} component means "use the orchestrator's default".
 *
 * @param deadline how long after acceptance the job may run before it finishes with what it has
 * @param maxAttempts how many times one task may be attempted (first run included)
 * @param maxTokens the job's token budget (prompt + completion, all tasks and steps)
 * @param maxCostUsd the job's dollar budget at the configured price table
 */
public record JobLimits(Duration deadline, Integer maxAttempts, Long maxTokens, BigDecimal maxCostUsd) {

	public static final JobLimits DEFAULTS = new JobLimits(null, null, null, null);

	public JobLimits(Duration deadline, Integer maxAttempts) {
		this(deadline, maxAttempts, null, null);
	}
}
