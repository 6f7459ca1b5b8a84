package io.colony.worker.agent;

import io.colony.contracts.AgentStep;
import io.colony.contracts.Usage;

import java.util.List;

/** How an agent loop ended: with a final answer, or stopped by a limit or a failure. */
public sealed interface LoopOutcome {

	Usage usage();

	List<AgentStep> steps();

	/** The model gave a final answer. */
	record Answered(String output, Usage usage, List<AgentStep> steps) implements LoopOutcome {
	}

	/**
	 * The loop stopped without an answer.
	 *
	 * @param reason safe to publish: says which limit or failure, never a prompt, body or key
	 * @param retryable whether another attempt may do better (a provider outage may; a step limit will not)
	 */
	record Stopped(String reason, boolean retryable, Usage usage, List<AgentStep> steps) implements LoopOutcome {
	}
}
