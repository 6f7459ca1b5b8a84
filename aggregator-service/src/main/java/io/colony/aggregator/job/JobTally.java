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
 * @param totalTasks {@code null} until {@code JobAccepted} or a {@code JobPlanChanged} arrived
 * @param usage everything recorded for the job so far: every attempt, failed and superseded ones included
 * @param maxTokens the job's token budget, {@code null} for none (or before acceptance)
 * @param maxCostUsd the job's dollar budget, {@code null} for none (or before acceptance)
 * @param closed whether the job already has its final status (and its {@code JobCompleted})
 * @param accepted whether {@code JobAccepted} arrived (only then does the job close on anything but an event
 * that names its end: cancellation, deadline)
 * @param planOpen whether more tasks may still be planned: the job does not close on its count
 * @param planFailure why the job's plan cannot produce its answer any more, {@code null} while it can
 * @param successRatio the share of tasks whose success ends the job, {@code null} for every task
 */
public record JobTally(JobId jobId, TenantId tenant, Integer totalTasks, int succeeded, int failed, Usage usage,
		ReduceStrategy reduce, Long maxTokens, BigDecimal maxCostUsd, boolean closed, boolean accepted,
		boolean planOpen, String planFailure, BigDecimal successRatio) {

	/** A job without plans or a success ratio, as every job was before them. */
	public JobTally(JobId jobId, TenantId tenant, Integer totalTasks, int succeeded, int failed, Usage usage,
			ReduceStrategy reduce, Long maxTokens, BigDecimal maxCostUsd, boolean closed) {
		this(jobId, tenant, totalTasks, succeeded, failed, usage, reduce, maxTokens, maxCostUsd, closed,
				totalTasks != null, false, null, null);
	}

	/** Every task of an accepted job has its final result and no more will be planned. */
	public boolean allFinished() {
		return accepted && !planOpen && totalTasks != null && succeeded + failed >= totalTasks;
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

	/**
	 * How the job ends now on its count alone, if it does: when every task finished, or earlier when its success
	 * ratio is reached. Never while the plan is open or before acceptance.
	 */
	public Optional<JobOutcome> outcomeOnCount() {
		if (!accepted || planOpen || totalTasks == null) {
			return Optional.empty();
		}
		if (successRatio != null) {
			return JobOutcome.successRatio(successRatio, counts().total(), succeeded, failed);
		}
		return allFinished() ? Optional.of(JobOutcome.allFinished(totalTasks, succeeded, failed)) : Optional.empty();
	}
}
