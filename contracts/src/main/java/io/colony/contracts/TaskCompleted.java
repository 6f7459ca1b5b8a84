package io.colony.contracts;

import java.time.Instant;

/** The agent produced {@code output} for the task's input. */
public record TaskCompleted(JobId jobId, TaskId taskId, TenantId tenant, String inputId, int attempt, AgentId agentId,
		String output, Usage usage, Instant startedAt, Instant completedAt) implements TaskResult {
}
