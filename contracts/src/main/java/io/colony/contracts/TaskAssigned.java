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
 * @param role what the task is for in its job's pattern; {@code null} reads as {@link TaskRole#WORK}
 * @param tracked the orchestrator follows this task's outcome (a pipeline, a plan, a concurrency cap): its result
 * goes out with {@link Destinations#resultRoutingKey(TaskResult, String, boolean)}'s tracked key
 */
public record TaskAssigned(JobId jobId, TaskId taskId, TenantId tenant, String agentType, String capability,
		int attempt, int maxAttempts, String instruction, JobInput input, Priority priority, Instant deadline,
		Instant assignedAt, String model, TaskBudget budget, TaskRole role, boolean tracked) implements TaskMessage {

	public TaskAssigned {
		role = role == null ? TaskRole.WORK : role;
	}

	public TaskAssigned(JobId jobId, TaskId taskId, TenantId tenant, String agentType, String capability, int attempt,
			int maxAttempts, String instruction, JobInput input, Priority priority, Instant deadline,
			Instant assignedAt, String model, TaskBudget budget) {
		this(jobId, taskId, tenant, agentType, capability, attempt, maxAttempts, instruction, input, priority,
				deadline, assignedAt, model, budget, TaskRole.WORK, false);
	}

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
