package io.colony.worker.catalog;

import java.time.Duration;

/**
 * When an agent loop stops even though the model has not given a final answer.
 *
 * @param maxSteps LLM calls plus tool calls
 * @param maxTokens prompt plus completion tokens over all LLM calls of one task
 * @param timeout wall-clock time of the whole loop
 */
public record AgentLimits(int maxSteps, long maxTokens, Duration timeout) {

	public static final AgentLimits DEFAULTS = new AgentLimits(8, 32_000, Duration.ofMinutes(2));

	/** Fills what a catalog entry left out from {@code defaults}. */
	AgentLimits orDefaults(AgentLimits defaults) {
		return new AgentLimits(maxSteps > 0 ? maxSteps : defaults.maxSteps,
				maxTokens > 0 ? maxTokens : defaults.maxTokens, timeout != null ? timeout : defaults.timeout);
	}

	void validate(String agentType) {
		if (maxSteps < 1) {
			throw new CatalogException("agent type '" + agentType + "': limits.max-steps must be at least 1");
		}
		if (maxTokens < 1) {
			throw new CatalogException("agent type '" + agentType + "': limits.max-tokens must be at least 1");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new CatalogException("agent type '" + agentType + "': limits.timeout must be positive");
		}
	}
}
