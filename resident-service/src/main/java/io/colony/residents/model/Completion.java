package io.colony.residents.model;

/** A model's answer and what it cost. */
public record Completion(String text, long promptTokens, long completionTokens) {
}
