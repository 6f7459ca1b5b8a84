package io.colony.residents.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryTests {

	@Test
	void turnsAreBoundedToTheLatest() {
		Memory memory = Memory.EMPTY;
		for (int i = 1; i <= 5; i++) {
			memory = memory.withTurn(new Memory.Turn("m" + i, "r" + i), 3);
		}
		assertThat(memory.turns()).extracting(Memory.Turn::message).containsExactly("m3", "m4", "m5");
	}

	@Test
	void tokensAreTheWordsOfEverythingRemembered() {
		Memory memory = new Memory("two words", Map.of("goal", "run ten k"), List.of(new Memory.Turn("a b", "c")));
		assertThat(memory.estimatedTokens()).isEqualTo(2 + 1 + 3 + 2 + 1);
	}

	@Test
	void summarisingKeepsFactsAndTheLatestTurns() {
		Memory memory = new Memory("", Map.of("goal", "10k"),
				List.of(new Memory.Turn("m1", "r1"), new Memory.Turn("m2", "r2"), new Memory.Turn("m3", "r3")));
		Memory summarised = memory.summarised("Summary: m1 m2", 1);
		assertThat(summarised.summary()).isEqualTo("Summary: m1 m2");
		assertThat(summarised.facts()).isEqualTo(Map.of("goal", "10k"));
		assertThat(summarised.turns()).extracting(Memory.Turn::message).containsExactly("m3");
	}

	@Test
	void theSystemPromptIsFilledFromFacts() {
		ResidentType coach = new ResidentType("coach", "Goal: {goal}. Schedule: {schedule}.", 100, 5, null);
		assertThat(coach.systemPromptFor(Map.of("goal", "run 10k"))).isEqualTo("Goal: run 10k. Schedule: unknown.");
	}

	@Test
	void theShippedTypesAreAssistantAndCoach() {
		ResidentTypes types = ResidentTypes.load(new org.springframework.core.io.ClassPathResource("colony/residents.yml"));
		assertThat(types.names()).containsExactly("assistant", "coach");
		assertThat(types.find("coach").orElseThrow().checkIn().every()).isEqualTo(java.time.Duration.ofDays(1));
	}
}
