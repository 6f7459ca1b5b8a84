package io.colony.contracts;

import java.time.Instant;

/**
 * One task's final result as the aggregator serves it.
 *
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param output the agent's answer when it succeeded
 * @param error why it failed, when it failed
 */
public record TaskResultView(TaskId taskId, String inputId, String status, String output, String error, int attempt,
		AgentId agentId, Usage usage, Instant completedAt) {
}
