package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One task's final result as the aggregator serves it.
 *
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param output the agent's answer when it succeeded
 * @param error why it failed, when it failed
 * @param steps the agent loop's steps of the attempt that produced this result
 */
public record TaskResultView(TaskId taskId, String inputId, String status, String output, String error, int attempt,
		AgentId agentId, Usage usage, Instant completedAt, List<AgentStep> steps) {

	public TaskResultView {
		steps = steps == null ? List.of() : List.copyOf(steps);
	}

	public TaskResultView(TaskId taskId, String inputId, String status, String output, String error, int attempt,
			AgentId agentId, Usage usage, Instant completedAt) {
		this(taskId, inputId, status, output, error, attempt, agentId, usage, completedAt, List.of());
	}
}
