package io.colony.contracts;

import java.time.Instant;

/**
 * Throttled progress: at most a few per second per job, never one per task.
 *
 * @param usage what the job has consumed so far (every recorded attempt, failed ones included)
 */
public record JobProgressed(JobId jobId, TenantId tenant, TaskCounts tasks, Instant at, Usage usage)
		implements JobEvent {

	public JobProgressed {
		usage = usage == null ? Usage.NONE : usage;
	}

	public JobProgressed(JobId jobId, TenantId tenant, TaskCounts tasks, Instant at) {
		this(jobId, tenant, tasks, at, null);
	}

	@Override
	public String routingKey() {
		return Destinations.JOB_PROGRESS;
	}
}
