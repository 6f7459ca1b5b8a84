package io.colony.contracts;

import java.time.Instant;

/**
 * One attempt of one task, for any agent instance serving {@code capability}. A result must echo
 * {@code attempt}; results of superseded attempts are discarded.
 *
 * @param deadline when the job stops waiting for this task; {@code null} for none
 */
public record TaskAssigned(JobId jobId, TaskId taskId, TenantId tenant, String agentType, String capability,
		int attempt, int maxAttempts, String instruction, JobInput input, Priority priority, Instant deadline,
		Instant assignedAt) implements TaskMessage {

	/** {@code true} when a failure of this attempt must not be retried. */
	public boolean isFinalAttempt() {
		return attempt >= maxAttempts;
	}
}
