package io.colony.worker.tool;

import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;

/**
 * One call of a tool from an agent loop.
 *
 * @param jobId the job the calling task belongs to (the scope of its shared memory)
 * @param taskId the calling task
 * @param tenant whose job it is
 * @param attempt the calling task's attempt, so that a re-run can reuse what the first attempt started
 * @param callNumber 1-based count of tool calls in this attempt, stable across re-runs of a deterministic loop
 * @param arguments the arguments as the model wrote them: JSON, not yet validated
 */
public record ToolInvocation(JobId jobId, TaskId taskId, TenantId tenant, int attempt, int callNumber,
		String arguments) {
}
