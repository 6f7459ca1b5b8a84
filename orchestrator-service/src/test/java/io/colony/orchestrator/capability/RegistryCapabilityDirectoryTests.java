package io.colony.orchestrator.capability;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryCapabilityDirectoryTests {

	@Test
	void anEmptyListMeansNoLiveAgent() {
		assertThat(RegistryCapabilityDirectory.capabilityIn(new AgentList(List.of()), "summarizer"))
			.isInstanceOf(CapabilityAnswer.NoLiveAgent.class);
	}

	@Test
	void takesTheCapabilityAndModelTheAgentAnnouncesForTheType() {
		AgentList agents = new AgentList(List.of(agent(new AgentTypeDescriptor("translator", "translate", "m"),
				new AgentTypeDescriptor("summarizer", "summaries", "gpt-4o-mini"))));

		assertThat(RegistryCapabilityDirectory.capabilityIn(agents, "summarizer"))
			.isEqualTo(new CapabilityAnswer.Served("summaries", "gpt-4o-mini"));
	}

	@Test
	void fallsBackToTheTypeNameWhenListedAgentsNameNoCapability() {
		AgentList agents = new AgentList(List.of(agent(new AgentTypeDescriptor("summarizer", null, "m"))));

		assertThat(RegistryCapabilityDirectory.capabilityIn(agents, "summarizer"))
			.isEqualTo(new CapabilityAnswer.Served("summarizer"));
	}

	private static AgentView agent(AgentTypeDescriptor... types) {
		Instant now = Instant.now();
		return new AgentView(AgentId.of("agent-1"), "host:1", List.of(types), 10, 0, "1", now, now, now.plusSeconds(30));
	}
}
