package io.colony.contracts;

import java.time.Instant;

/** The job's deadline passed before every task finished; the aggregator closes it with what it has. */
public record JobDeadlineReached(JobId jobId, TenantId tenant, Instant deadline) implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_DEADLINE;
	}
}
