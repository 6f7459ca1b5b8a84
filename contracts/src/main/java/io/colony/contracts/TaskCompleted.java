package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The agent produced {@code output} for the task's input.
 *
 * @param steps the agent loop's steps, in order; empty when the producer records none
 * @param signature the agent's signature over the rest; {@code null} before it is signed
 */
public record TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
		String output, Usage usage, Instant startedAt, Instant completedAt, List<AgentStep> steps,
		ResultSignature signature) implements TaskResult {

	public TaskCompleted {
		usage = usage == null ? Usage.NONE : usage;
		steps = steps == null ? List.of() : List.copyOf(steps);
	}

	public TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
			String output, Usage usage, Instant startedAt, Instant completedAt) {
		this(jobId, taskId, tenant, inputId, attempt, agentId, output, usage, startedAt, completedAt, List.of(), null);
	}

	public TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
			String output, Usage usage, Instant startedAt, Instant completedAt, List<AgentStep> steps) {
		this(jobId, taskId, tenant, inputId, attempt, agentId, output, usage, startedAt, completedAt, steps, null);
	}

	/** The same result, signed. */
	public TaskCompleted withSignature(ResultSignature value) {
		return new TaskCompleted(jobId, taskId, tenant, inputId, attempt, agentId, output, usage, startedAt, completedAt,
				steps, value);
	}
}
