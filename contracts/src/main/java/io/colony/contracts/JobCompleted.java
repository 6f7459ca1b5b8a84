package io.colony.contracts;

import java.time.Instant;

/** Exactly one per job, whatever ended it (all tasks done, cancellation, deadline). */
public record JobCompleted(JobId jobId, TenantId tenant, JobStatus status, TaskCounts tasks, Usage usage,
		JobResult result, Instant completedAt) implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_COMPLETED;
	}
}
