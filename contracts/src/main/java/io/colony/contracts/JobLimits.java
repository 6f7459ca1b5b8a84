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
 * @param maxConcurrency how many of the job's tasks may be dispatched and unfinished at once; {@code null} for no cap
 * @param successRatio the share of tasks (0 exclusive to 1) whose success ends the job early as {@code PARTIAL};
 * below it at the end the job is {@code FAILED}; {@code null} for "every task"
 */
public record JobLimits(Duration deadline, Integer maxAttempts, Long maxTokens, BigDecimal maxCostUsd,
		Integer maxConcurrency, BigDecimal successRatio) {

	public static final JobLimits DEFAULTS = new JobLimits(null, null, null, null, null, null);

	public JobLimits(Duration deadline, Integer maxAttempts, Long maxTokens, BigDecimal maxCostUsd) {
		this(deadline, maxAttempts, maxTokens, maxCostUsd, null, null);
	}

	public JobLimits(Duration deadline, Integer maxAttempts) {
		this(deadline, maxAttempts, null, null);
	}
}
