package io.colony.contracts;

import java.time.Instant;

/** Throttled progress: at most a few per second per job, never one per task. */
public record JobProgressed(JobId jobId, TenantId tenant, TaskCounts tasks, Instant at) implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_PROGRESS;
	}
}
