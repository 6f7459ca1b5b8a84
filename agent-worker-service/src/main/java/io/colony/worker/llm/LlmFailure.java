package io.colony.worker.llm;

/**
 * Why an LLM call failed, in words safe to publish (no prompt, no response body, no credential), and
 * whether another attempt may succeed.
 */
public record LlmFailure(String reason, boolean retryable) {
}
