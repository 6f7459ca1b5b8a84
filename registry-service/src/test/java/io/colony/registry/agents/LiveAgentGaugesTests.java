package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LiveAgentGaugesTests {

	private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final MetricsPoller poller = new MetricsPoller();

	private final StubRegistry registry = new StubRegistry();

	private final LiveAgentGauges gauges = new LiveAgentGauges(registry, Clock.fixed(NOW, ZoneOffset.UTC), meters, poller,
			ColonyMetricsProperties.defaults());

	@Test
	void countsLiveAgentsPerCapabilityEachAgentOnce() {
		registry.agents.add(agent("w1", type("summarizer", "summarizer"), type("document-extractor", "summarizer"),
				type("security-reviewer", "security-review")));
		registry.agents.add(agent("w2", type("summarizer", "summarizer")));

		poller.pollNow();

		assertThat(count("summarizer")).isEqualTo(2);
		assertThat(count("security-review")).isEqualTo(1);
	}

	@Test
	void aCapabilityWhoseAgentsAreGoneReadsZeroAndTheDefaultOneIsThereFromTheStart() {
		assertThat(meters.find(LiveAgentGauges.AGENTS).tag("capability", "summarizer").gauge())
			.as("before the first poll")
			.isNotNull();
		registry.agents.add(agent("w1", type("security-reviewer", "security-review")));
		poller.pollNow();
		registry.agents.clear();

		poller.pollNow();

		assertThat(count("security-review")).isZero();
		assertThat(count("summarizer")).isZero();
	}

	@Test
	void aBackendThatCannotBeReadIsUnknownNotZero() {
		registry.agents.add(agent("w1", type("summarizer", "summarizer")));
		poller.pollNow();
		registry.down = true;

		poller.pollNow();

		assertThat(count("summarizer")).isNaN();
	}

	private double count(String capability) {
		return meters.get(LiveAgentGauges.AGENTS).tag("capability", capability).gauge().value();
	}

	private static AgentTypeDescriptor type(String name, String capability) {
		return new AgentTypeDescriptor(name, capability, "colony-simulated");
	}

	private static AgentView agent(String id, AgentTypeDescriptor... types) {
		return new AgentView(AgentId.of(id), "host-1", List.of(types), 10, 0, "1", NOW, NOW, NOW.plusSeconds(10));
	}

	private static final class StubRegistry implements AgentRegistry {

		final List<AgentView> agents = new ArrayList<>();

		volatile boolean down;

		@Override
		public List<AgentView> live(AgentFilter filter, Instant now) {
			if (down) {
				throw new IllegalStateException("database unreachable");
			}
			return List.copyOf(agents);
		}

		@Override
		public boolean recordHeartbeat(AgentHeartbeat heartbeat, AgentLease lease) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void remove(AgentId agentId, Instant departedAt) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<AgentView> live(AgentId agentId, Instant now) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<AgentKey> key(AgentId agentId, String keyId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean revokeKey(AgentId agentId, String keyId, Instant revokedAt) {
			throw new UnsupportedOperationException();
		}

		@Override
		public int removeExpired(Instant now) {
			throw new UnsupportedOperationException();
		}
	}
}
