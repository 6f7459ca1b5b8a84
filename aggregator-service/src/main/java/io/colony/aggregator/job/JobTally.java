package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

/**
 * A job's row as one transaction sees it while holding the row's lock.
 *
 * @param tenant {@code null} only for a job known from nothing but events without a tenant
 * @param totalTasks {@code null} until {@code JobAccepted} arrived
 * @param closed whether the job already has its final status (and its {@code JobCompleted})
 */
public record JobTally(JobId jobId, TenantId tenant, Integer totalTasks, int succeeded, int failed, Usage usage,
		ReduceStrategy reduce, boolean closed) {

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
}
