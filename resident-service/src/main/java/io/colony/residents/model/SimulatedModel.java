package io.colony.residents.model;

import io.colony.platform.pricing.TokenEstimate;
import io.colony.residents.agent.Memory;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model for local runs, tests and benchmarks: answers after a fixed latency on a timer (no thread waits), with
 * text that shows what the agent remembered: {@code Reply #3 to "hi" (remembering: goal=run 10k; summary: ...;
 * last: "...")}. The agent worker has a simulated model of its own; the two cannot share code today (the worker's is
 * a Spring AI chat model), so they are kept deliberately small.
 */
class SimulatedModel implements ResidentModel {

	private final Duration latency;

	SimulatedModel(Duration latency) {
		this.latency = latency;
	}

	@Override
	public Mono<Completion> answer(Prompt prompt) {
		String text = "Reply #" + prompt.sequence() + " to \"" + abbreviate(prompt.message(), 200) + "\" (remembering: "
				+ remembered(prompt.memory()) + ")";
		long promptTokens = TokenEstimate.words(prompt.system()) + prompt.memory().estimatedTokens()
				+ TokenEstimate.words(prompt.message());
		return later(new Completion(text, promptTokens, TokenEstimate.words(text)));
	}

	@Override
	public Mono<Completion> summarise(Memory memory, int maxWords) {
		List<String> parts = new ArrayList<>();
		if (!memory.summary().isEmpty()) {
			parts.add(memory.summary());
		}
		for (Memory.Turn turn : memory.turns()) {
			parts.add("user said \"" + turn.message() + "\"");
		}
		String text = firstWords("Summary: " + String.join("; ", parts), maxWords);
		return later(new Completion(text, memory.estimatedTokens(), TokenEstimate.words(text)));
	}

	private Mono<Completion> later(Completion completion) {
		return latency.isZero() ? Mono.just(completion) : Mono.delay(latency).thenReturn(completion);
	}

	private static String remembered(Memory memory) {
		List<String> parts = new ArrayList<>();
		if (!memory.facts().isEmpty()) {
			Map.Entry<String, String> first = memory.facts().entrySet().iterator().next();
			parts.add(first.getKey() + "=" + first.getValue());
		}
		if (!memory.summary().isEmpty()) {
			parts.add("summary: " + firstWords(memory.summary(), 8));
		}
		if (!memory.turns().isEmpty()) {
			parts.add("last: \"" + abbreviate(memory.turns().getLast().message(), 60) + "\"");
		}
		return parts.isEmpty() ? "nothing yet" : String.join("; ", parts);
	}

	private static String firstWords(String text, int words) {
		String[] all = text.strip().split("\\s+");
		if (all.length <= words) {
			return text.strip();
		}
		return String.join(" ", java.util.Arrays.copyOf(all, words)) + " …";
	}

	private static String abbreviate(String text, int max) {
		return text.length() <= max ? text : text.substring(0, max) + "…";
	}
}
