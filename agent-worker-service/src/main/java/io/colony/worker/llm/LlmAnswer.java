package io.colony.worker.llm;

import io.colony.contracts.Usage;

/** What the LLM said for one task, and what it cost. */
public record LlmAnswer(String text, Usage usage) {
}
