package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A job's row as one transaction sees it while holding the row's lock.
 *
 * @param tenant {@code null} only for a job known from nothing but events without a tenant
 * @param totalTasks {@code null} until {@code JobAccepted} arrived
 * @param usage everything recorded for the job so far: every attempt, failed and superseded ones included
 * @param maxTokens the job's token budget, {@code null} for none (or before acceptance)
 * @param maxCostUsd the job's dollar budget, {@code null} for none (or before acceptance)
 * @param closed whether the job already has its final status (and its {@code JobCompleted})
 */
public record JobTally(JobId jobId, TenantId tenant, Integer totalTasks, int succeeded, int failed, Usage usage,
		ReduceStrategy reduce, Long maxTokens, BigDecimal maxCostUsd, boolean closed) {

	public boolean accepted() {
		return totalTasks != null;
	}

	/** Every task of an accepted job has its final result. */
	public boolean allFinished() {
		return totalTasks != null && succeeded + failed >= totalTasks;
	}

	/** Before acceptance the total is unknown; what finished so far stands in for it. */
	public TaskCounts counts() {
		int total = totalTasks == null ? succeeded + failed : Math.max(totalTasks, succeeded + failed);
		return TaskCounts.of(total, succeeded, failed);
	}

	/** Which budget of the job its usage has reached, described with what was used; empty while within both. */
	public Optional<String> budgetSpent() {
		return JobOutcome.budgetSpent(maxTokens, maxCostUsd, usage);
	}
}
