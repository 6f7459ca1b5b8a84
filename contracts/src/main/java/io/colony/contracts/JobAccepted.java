package io.colony.contracts;

import java.time.Instant;

/**
 * The orchestrator stored the job and will dispatch {@code totalTasks} tasks. Published through the
 * orchestrator's outbox in the same transaction as the job.
 */
public record JobAccepted(JobId jobId, TenantId tenant, String agent, int totalTasks, ReduceStrategy reduce,
		Instant deadline, Instant acceptedAt) implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_ACCEPTED;
	}
}
