package io.colony.residents.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.colony.residents.agent.Memory;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An agent's memory as it sits in the heap while the agent is active: one UTF-8 JSON object with one-letter keys and
 * nothing for empty parts ({@code {}} for an agent that knows nothing yet). Decoded only while a turn runs, so an
 * idle agent costs its bytes and no object graph.
 */
final class MemoryCodec {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private MemoryCodec() {
	}

	@JsonInclude(JsonInclude.Include.NON_EMPTY)
	record Compact(String s, Map<String, String> f, List<String[]> t) {
	}

	static byte[] encode(Memory memory) {
		List<String[]> turns = new ArrayList<>(memory.turns().size());
		for (Memory.Turn turn : memory.turns()) {
			turns.add(new String[] { turn.message(), turn.reply() });
		}
		return JSON.writeValueAsBytes(new Compact(memory.summary(), memory.facts(), turns));
	}

	static Memory decode(byte[] bytes) {
		Compact compact = JSON.readValue(bytes, Compact.class);
		List<Memory.Turn> turns = new ArrayList<>();
		if (compact.t() != null) {
			for (String[] turn : compact.t()) {
				turns.add(new Memory.Turn(turn[0], turn[1]));
			}
		}
		return new Memory(compact.s(), compact.f(), turns);
	}
}
