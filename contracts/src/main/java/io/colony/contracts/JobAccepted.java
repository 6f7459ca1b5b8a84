package io.colony.contracts;

import java.time.Instant;

/**
 * The orchestrator stored the job and will dispatch {@code totalTasks} tasks. Published through the
 * orchestrator's outbox in the same transaction as the job.
 *
 * @param limits the job's limits with the orchestrator's defaults resolved; the aggregator ends the job when
 * its recorded usage reaches {@code maxTokens} or {@code maxCostUsd}. {@link JobLimits#DEFAULTS} (no budget)
 * when a producer sends none
 * @param planOpen {@code true} when more tasks than {@code totalTasks} may be planned at run time (a supervisor's):
 * the job does not close on its count until a {@link JobPlanChanged} closes the plan
 */
public record JobAccepted(JobId jobId, TenantId tenant, String agent, int totalTasks, ReduceStrategy reduce,
		Instant deadline, Instant acceptedAt, JobLimits limits, boolean planOpen) implements JobEvent {

	public JobAccepted {
		limits = limits == null ? JobLimits.DEFAULTS : limits;
	}

	public JobAccepted(JobId jobId, TenantId tenant, String agent, int totalTasks, ReduceStrategy reduce,
			Instant deadline, Instant acceptedAt, JobLimits limits) {
		this(jobId, tenant, agent, totalTasks, reduce, deadline, acceptedAt, limits, false);
	}

	public JobAccepted(JobId jobId, TenantId tenant, String agent, int totalTasks, ReduceStrategy reduce,
			Instant deadline, Instant acceptedAt) {
		this(jobId, tenant, agent, totalTasks, reduce, deadline, acceptedAt, null);
	}

	@Override
	public String routingKey() {
		return Destinations.JOB_ACCEPTED;
	}
}
