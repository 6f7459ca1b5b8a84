package io.colony.contracts;

import java.math.BigDecimal;

/**
 * One step of an agent loop, returned with the task's result: an LLM call or a tool call.
 *
 * @param number 1-based, in the order the steps ran
 * @param kind {@code llm} or {@code tool}
 * @param name the model for an LLM step, the tool for a tool step
 * @param promptTokens tokens sent (LLM steps; 0 for tools)
 * @param completionTokens tokens received (LLM steps; 0 for tools)
 * @param costUsd the step's price at the configured price table
 * @param latencyMs how long the step took
 * @param cached {@code true} when an LLM step was answered from the response cache
 * @param error why the step failed, or {@code null}; a failed tool step is fed back to the model
 */
public record AgentStep(int number, String kind, String name, long promptTokens, long completionTokens,
		BigDecimal costUsd, long latencyMs, boolean cached, String error) {

	public static final String LLM = "llm";

	public static final String TOOL = "tool";

	public AgentStep {
		costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
	}
}
