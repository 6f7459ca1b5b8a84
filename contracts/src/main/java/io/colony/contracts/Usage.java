package io.colony.contracts;

import java.math.BigDecimal;

/**
 * Resources one task (or, summed, one job) consumed.
 *
 * @param toolCalls tool invocations the agent loop made
 * @param costUsd what the LLM calls cost at the configured price table; zero for unpriced models
 */
public record Usage(long promptTokens, long completionTokens, long llmCalls, long toolCalls, BigDecimal costUsd) {

	public static final Usage NONE = new Usage(0, 0, 0, 0, BigDecimal.ZERO);

	public Usage {
		costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
	}

	/** Usage of LLM calls alone, unpriced. */
	public Usage(long promptTokens, long completionTokens, long llmCalls) {
		this(promptTokens, completionTokens, llmCalls, 0, BigDecimal.ZERO);
	}

	public long totalTokens() {
		return promptTokens + completionTokens;
	}

	public Usage plus(Usage other) {
		return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
				llmCalls + other.llmCalls, toolCalls + other.toolCalls, costUsd.add(other.costUsd));
	}
}
