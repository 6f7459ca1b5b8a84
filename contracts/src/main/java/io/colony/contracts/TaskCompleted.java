package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The agent produced {@code output} for the task's input.
 *
 * @param steps the agent loop's steps, in order; empty when the producer records none
 */
public record TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
		String output, Usage usage, Instant startedAt, Instant completedAt, List<AgentStep> steps) implements TaskResult {

	public TaskCompleted {
		usage = usage == null ? Usage.NONE : usage;
		steps = steps == null ? List.of() : List.copyOf(steps);
	}

	public TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
			String output, Usage usage, Instant startedAt, Instant completedAt) {
		this(jobId, taskId, tenant, inputId, attempt, agentId, output, usage, startedAt, completedAt, List.of());
	}
}
