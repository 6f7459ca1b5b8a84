package io.colony.registry.agents;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentFilterTests {

	@Test
	void absentValuesMatchAnything() {
		assertThatCode(() -> new AgentFilter(null, null)).doesNotThrowAnyException();
		assertThatCode(() -> new AgentFilter("summarizer", "summarizer-v2")).doesNotThrowAnyException();
	}

	@Test
	void malformedCapabilityOrBlankTypeIsAnInvalidQuery() {
		assertThatThrownBy(() -> new AgentFilter(null, "Not A Capability")).isInstanceOf(InvalidAgentQuery.class)
			.hasMessageContaining("invalid capability 'Not A Capability'");
		assertThatThrownBy(() -> new AgentFilter(" ", null)).isInstanceOf(InvalidAgentQuery.class)
			.hasMessageContaining("type");
	}
}
