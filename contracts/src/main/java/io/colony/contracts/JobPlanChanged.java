package io.colony.contracts;

import java.time.Instant;

/**
 * The orchestrator changed how many tasks a job will have: a supervisor's plan was accepted (or rejected), or tasks
 * of a pipeline or plan will never run because what they depended on failed. Published through the orchestrator's
 * outbox in the transaction that made the change; the aggregator closes the job on it once its tally is complete.
 *
 * @param totalTasks every task of the job that has reported or will report a result
 * @param open {@code true} while more tasks may still be planned (the aggregator must not close the job on its
 * count alone)
 * @param failure non-null when the job cannot produce its answer any more (an invalid plan, a pipeline stage that
 * failed for every item): the aggregator closes it {@code FAILED} with this reason
 */
public record JobPlanChanged(JobId jobId, TenantId tenant, int totalTasks, boolean open, String failure, Instant at)
		implements JobEvent {

	@Override
	public String routingKey() {
		return Destinations.JOB_PLAN;
	}
}
