package io.colony.contracts;

import java.time.Instant;

/** The orchestrator cancelled the job; workers drop its tasks, the aggregator closes it. */
public record JobCancelled(JobId jobId, TenantId tenant, String reason, Instant at) implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_CANCELLED;
	}
}
