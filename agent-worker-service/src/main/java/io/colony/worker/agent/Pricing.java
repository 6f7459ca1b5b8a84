package io.colony.worker.agent;

import java.math.BigDecimal;

/** What an LLM call costs at the configured price table. */
@FunctionalInterface
public interface Pricing {

	Pricing FREE = (model, promptTokens, completionTokens) -> BigDecimal.ZERO;

	BigDecimal cost(String modelId, long promptTokens, long completionTokens);
}
