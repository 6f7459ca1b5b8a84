package io.colony.contracts;

import java.time.Instant;

/**
 * One attempt of one task, for any agent instance serving {@code capability}. A result must echo
 * {@code attempt}; results of superseded attempts are discarded.
 *
 * @param deadline when the job stops waiting for this task; {@code null} for none
 * @param model a model tier or model name that overrides the agent type's own (e.g. a cheaper one);
 * {@code null} for the agent type's
 * @param budget how much this task may spend; {@code null} for the agent type's limits alone
 */
public record TaskAssigned(JobId jobId, TaskId taskId, TenantId tenant, String agentType, String capability,
		int attempt, int maxAttempts, String instruction, JobInput input, Priority priority, Instant deadline,
		Instant assignedAt, String model, TaskBudget budget) implements TaskMessage {

	public TaskAssigned(JobId jobId, TaskId taskId, TenantId tenant, String agentType, String capability, int attempt,
			int maxAttempts, String instruction, JobInput input, Priority priority, Instant deadline,
			Instant assignedAt) {
		this(jobId, taskId, tenant, agentType, capability, attempt, maxAttempts, instruction, input, priority,
				deadline, assignedAt, null, null);
	}

	/** {@code true} when a failure of this attempt must not be retried. */
	public boolean isFinalAttempt() {
		return attempt >= maxAttempts;
	}
}
