package io.colony.contracts;

import java.math.BigDecimal;

/**
 * What one task may spend; the agent loop stops with a non-retryable failure when the next step would
 * exceed it. A {@code null} component is no limit beyond the agent type's own.
 */
public record TaskBudget(Long maxTokens, BigDecimal maxCostUsd) {
}
