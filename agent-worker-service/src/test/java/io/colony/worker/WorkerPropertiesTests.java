package io.colony.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkerPropertiesTests {

	@Test
	void servesTheSummarizerByDefault() {
		WorkerProperties properties = new WorkerProperties(null, null, null, null, null);

		assertThat(properties.agentTypes()).singleElement().satisfies(type -> {
			assertThat(type.name()).isEqualTo("summarizer");
			assertThat(type.capability()).isEqualTo("summarizer");
			assertThat(type.systemPrompt()).startsWith("Summarize the input in one or two sentences.");
		});
		assertThat(properties.capacity()).isEqualTo(10_000);
		assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
		assertThat(properties.heartbeatTtl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.capabilities()).containsExactly("summarizer");
	}

	@Test
	void aCapabilityThatCannotNameAQueueIsRejectedWithTheRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AgentType("reviewer", "Code Review", "", null))
			.withMessageContaining("agent type 'reviewer' has an invalid capability 'Code Review'")
			.withMessageContaining("lower-case letters, digits and dashes");
	}

	@Test
	void theCapabilityDefaultsToTheName() {
		assertThat(new AgentType("translator", null, null, null).capability()).isEqualTo("translator");
	}

	@Test
	void capacityMustFitAPrefetchCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerProperties(null, 70_000, null, null, null))
			.withMessageContaining("colony.worker.capacity must be between 1 and 65535");
	}

	@Test
	void agentTypeNamesAreUniqueAndSharedCapabilitiesAreConsumedOnce() {
		AgentType a = new AgentType("a", "shared", "", null);
		AgentType b = new AgentType("b", "shared", "", null);

		assertThat(new WorkerProperties(null, null, List.of(a, b), null, null).capabilities()).containsExactly("shared");
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerProperties(null, null, List.of(a, a), null, null))
			.withMessageContaining("declares 'a' twice");
	}
}
