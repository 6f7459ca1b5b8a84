package io.colony.contracts;

import java.time.Instant;

/**
 * The attempt failed. It is final (counted as a failed task, not retried) when {@code retryable} is
 * false or {@code finalAttempt} is true.
 */
public record TaskFailed(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
		String reason, boolean retryable, boolean finalAttempt, Instant failedAt) implements TaskResult {

	public boolean isFinal() {
		return !retryable || finalAttempt;
	}
}
