package io.colony.worker.telemetry;

import java.math.BigDecimal;

/**
 * What one LLM call used, as the metrics count it.
 *
 * @param cached answered from the response cache: no provider call, nothing spent
 */
public record LlmUsage(boolean cached, long inputTokens, long outputTokens, BigDecimal costUsd) {
}
