package io.colony.contracts;

import java.time.Instant;

/**
 * Exactly one per job, whatever ended it (all tasks done, cancellation, deadline, budget).
 *
 * @param reason why the job ended early (e.g. its budget was spent); {@code null} when it ran to the end
 */
public record JobCompleted(JobId jobId, TenantId tenant, JobStatus status, TaskCounts tasks, Usage usage,
		JobResult result, Instant completedAt, String reason) implements JobEvent {

	public JobCompleted(JobId jobId, TenantId tenant, JobStatus status, TaskCounts tasks, Usage usage,
			JobResult result, Instant completedAt) {
		this(jobId, tenant, status, tasks, usage, result, completedAt, null);
	}

	@Override
	public String routingKey() {
		return Destinations.JOB_COMPLETED;
	}
}
