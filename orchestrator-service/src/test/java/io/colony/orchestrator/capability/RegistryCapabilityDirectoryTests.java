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
		AgentList agents = new AgentList(List.of(agent(10, 3, new AgentTypeDescriptor("translator", "translate", "m"),
				new AgentTypeDescriptor("summarizer", "summaries", "gpt-4o-mini"))));

		assertThat(RegistryCapabilityDirectory.capabilityIn(agents, "summarizer")).isEqualTo(
				new CapabilityAnswer.Served(List.of(new CapabilityAnswer.Pool("summaries", "gpt-4o-mini", 10, 3))));
	}

	@Test
	void fallsBackToTheTypeNameWhenListedAgentsNameNoCapability() {
		AgentList agents = new AgentList(List.of(agent(10, 0, new AgentTypeDescriptor("summarizer", null, "m"))));

		assertThat(RegistryCapabilityDirectory.capabilityIn(agents, "summarizer"))
			.isInstanceOfSatisfying(CapabilityAnswer.Served.class,
					served -> assertThat(served.capability()).isEqualTo("summarizer"));
	}

	@Test
	void sumsTheLoadOfTheAgentsOfEachCapabilityAndPicksTheLeastLoaded() {
		AgentList agents = new AgentList(List.of(
				agent(10, 9, new AgentTypeDescriptor("summarizer", "summaries", "gpt-4o")),
				agent(10, 1, new AgentTypeDescriptor("summarizer", "summaries", "gpt-4o")),
				agent(4, 3, new AgentTypeDescriptor("summarizer", "summaries-eu", "gpt-4o-mini"),
						new AgentTypeDescriptor("translator", "translate", null))));

		CapabilityAnswer answer = RegistryCapabilityDirectory.capabilityIn(agents, "summarizer");

		assertThat(answer).isInstanceOfSatisfying(CapabilityAnswer.Served.class, served -> {
			assertThat(served.pools()).containsExactly(new CapabilityAnswer.Pool("summaries", "gpt-4o", 20, 10),
					new CapabilityAnswer.Pool("summaries-eu", "gpt-4o-mini", 4, 3));
			assertThat(served.capability()).as("10/20 beats 3/4").isEqualTo("summaries");
			assertThat(served.model()).isEqualTo("gpt-4o");
		});
	}

	@Test
	void anAgentServingTheTypeOnTwoCapabilitiesCountsInBoth() {
		AgentList agents = new AgentList(List.of(agent(8, 2, new AgentTypeDescriptor("summarizer", "a", null),
				new AgentTypeDescriptor("summarizer", "b", null)), agent(8, 8, new AgentTypeDescriptor("summarizer", "a", null))));

		assertThat(RegistryCapabilityDirectory.capabilityIn(agents, "summarizer"))
			.isInstanceOfSatisfying(CapabilityAnswer.Served.class, served -> {
				assertThat(served.pools()).containsExactly(new CapabilityAnswer.Pool("a", null, 16, 10),
						new CapabilityAnswer.Pool("b", null, 8, 2));
				assertThat(served.capability()).isEqualTo("b");
			});
	}

	private static AgentView agent(int capacity, int inFlight, AgentTypeDescriptor... types) {
		Instant now = Instant.now();
		return new AgentView(AgentId.of("agent-1"), "host:1", List.of(types), capacity, inFlight, "1", now, now,
				now.plusSeconds(30));
	}
}
