package io.colony.residents.model;

import io.colony.residents.agent.Memory;

/**
 * One turn's input: the type's system prompt (facts filled in), what the agent remembers, and the new message.
 *
 * @param sequence the number this message will have among the agent's processed messages (1 for the first)
 */
public record Prompt(String system, Memory memory, String message, long sequence) {
}
