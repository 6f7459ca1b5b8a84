package io.colony.residents.runtime;

import io.colony.residents.agent.Memory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryCodecTests {

	@Test
	void anEmptyMemoryIsTwoBytes() {
		assertThat(new String(MemoryCodec.encode(Memory.EMPTY), StandardCharsets.UTF_8)).isEqualTo("{}");
		assertThat(MemoryCodec.decode("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(Memory.EMPTY);
	}

	@Test
	void everyPartSurvivesARoundTripInOrder() {
		Memory memory = new Memory("likes running", Map.of("goal", "10k"),
				List.of(new Memory.Turn("hi", "hello"), new Memory.Turn("ran 5k \"today\"", "well done")));

		assertThat(MemoryCodec.decode(MemoryCodec.encode(memory))).isEqualTo(memory);
	}
}
