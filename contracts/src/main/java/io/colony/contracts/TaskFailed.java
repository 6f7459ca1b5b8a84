package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The attempt failed. It is final (counted as a failed task, not retried) when {@code retryable} is
 * false or {@code finalAttempt} is true.
 *
 * @param usage what the attempt consumed before it failed (a limit hit mid-loop still spent tokens)
 * @param steps the agent loop's steps up to the failure
 * @param signature the agent's signature over the rest; {@code null} before it is signed
 */
public record TaskFailed(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
		String reason, boolean retryable, boolean finalAttempt, Instant failedAt, Usage usage, List<AgentStep> steps,
		ResultSignature signature) implements TaskResult {

	public TaskFailed {
		usage = usage == null ? Usage.NONE : usage;
		steps = steps == null ? List.of() : List.copyOf(steps);
	}

	public TaskFailed(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
			String reason, boolean retryable, boolean finalAttempt, Instant failedAt) {
		this(jobId, taskId, tenant, inputId, attempt, agentId, reason, retryable, finalAttempt, failedAt, Usage.NONE,
				List.of(), null);
	}

	public TaskFailed(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
			String reason, boolean retryable, boolean finalAttempt, Instant failedAt, Usage usage, List<AgentStep> steps) {
		this(jobId, taskId, tenant, inputId, attempt, agentId, reason, retryable, finalAttempt, failedAt, usage, steps,
				null);
	}

	/** The same result, signed. */
	public TaskFailed withSignature(ResultSignature value) {
		return new TaskFailed(jobId, taskId, tenant, inputId, attempt, agentId, reason, retryable, finalAttempt, failedAt,
				usage, steps, value);
	}

	public boolean isFinal() {
		return !retryable || finalAttempt;
	}
}
