package io.colony.residents.agent;

import io.colony.platform.pricing.TokenEstimate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a resident agent remembers: a running summary, facts, and its recent conversation (oldest first).
 */
public record Memory(String summary, Map<String, String> facts, List<Turn> turns) {

	public static final Memory EMPTY = new Memory("", Map.of(), List.of());

	public Memory {
		summary = summary == null ? "" : summary;
		facts = facts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
		turns = turns == null ? List.of() : List.copyOf(turns);
	}

	/** One message and the agent's answer to it. */
	public record Turn(String message, String reply) {
	}

	/** Estimated tokens (words, as {@link TokenEstimate}) of everything remembered. */
	public int estimatedTokens() {
		int tokens = TokenEstimate.words(summary);
		for (Map.Entry<String, String> fact : facts.entrySet()) {
			tokens += TokenEstimate.words(fact.getKey()) + TokenEstimate.words(fact.getValue());
		}
		for (Turn turn : turns) {
			tokens += TokenEstimate.words(turn.message()) + TokenEstimate.words(turn.reply());
		}
		return tokens;
	}

	/** This memory with {@code turn} appended, keeping at most {@code maxTurns} of the latest. */
	public Memory withTurn(Turn turn, int maxTurns) {
		List<Turn> next = new java.util.ArrayList<>(turns.size() + 1);
		next.addAll(turns);
		next.add(turn);
		int from = Math.max(0, next.size() - maxTurns);
		return new Memory(summary, facts, next.subList(from, next.size()));
	}

	/** This memory summarised: the new summary replaces the old one and all but the last {@code keep} turns. */
	public Memory summarised(String newSummary, int keep) {
		int from = Math.max(0, turns.size() - keep);
		return new Memory(newSummary, facts, turns.subList(from, turns.size()));
	}
}
