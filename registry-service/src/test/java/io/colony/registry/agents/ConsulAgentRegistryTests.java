package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The Consul backend against a stand-in that speaks Consul's HTTP API (see {@link FakeConsul}). */
class ConsulAgentRegistryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration LONG_TTL = Duration.ofMinutes(5);

	private static final AgentTypeDescriptor SUMMARIZER = new AgentTypeDescriptor("summarizer", "summarize", "sim");

	private static final AgentTypeDescriptor REVIEWER = new AgentTypeDescriptor("reviewer", "review", "gpt");

	private FakeConsul consul;

	private ConsulAgentRegistry registry;

	@BeforeEach
	void start() {
		consul = FakeConsul.start();
		// a blocking wait far longer than any await below: a change is only seen in time if the query wakes on it
		registry = new ConsulAgentRegistry(new ConsulProperties(consul.url(), "acl-secret", "colony-agent",
				Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofSeconds(5)), new MessageCodec().mapper(),
				Clock.systemUTC());
		registry.start(Duration.ofSeconds(5));
	}

	@AfterEach
	void stop() {
		registry.close();
		consul.close();
	}

	@Test
	void heartbeatsRegisterWithTagsMetaAndATtlCheckAndAreQueriedByCapabilityAndType() {
		AgentId both = AgentId.of("agent-a");
		AgentId summarizerOnly = AgentId.of("agent-b");
		Instant now = Instant.now();
		assertThat(registry.recordHeartbeat(
				new AgentHeartbeat(both, "host:1", List.of(SUMMARIZER, REVIEWER), 10, 2, "1.0", LONG_TTL, now),
				lease(now, LONG_TTL))).isTrue();
		registry.recordHeartbeat(new AgentHeartbeat(summarizerOnly, "host:2", List.of(SUMMARIZER), 5, 0, "1.0",
				Duration.ofSeconds(30), now), lease(now, Duration.ofSeconds(30)));

		Await.until(WAIT, "both agents listed", () -> ids(registry.live(new AgentFilter(null, null), Instant.now()))
			.equals(List.of(both, summarizerOnly)));
		assertThat(ids(registry.live(new AgentFilter(null, "review"), Instant.now()))).containsExactly(both);
		assertThat(ids(registry.live(new AgentFilter("summarizer", "summarize"), Instant.now())))
			.containsExactly(both, summarizerOnly);
		assertThat(ids(registry.live(new AgentFilter("reviewer", "summarize"), Instant.now())))
			.as("type and capability must match the same agent type")
			.isEmpty();
		AgentView view = registry.live(both, Instant.now()).orElseThrow();
		assertThat(view.agentTypes()).containsExactly(SUMMARIZER, REVIEWER);
		assertThat(view.capacity()).isEqualTo(10);
		assertThat(view.inFlight()).isEqualTo(2);
		assertThat(view.registeredAt()).isEqualTo(now);

		Map<String, Object> service = consul.service("agent-a");
		assertThat(service.get("Tags")).isEqualTo(
				List.of("capability:review", "capability:summarize", "type:reviewer", "type:summarizer"));
		assertThat(service.get("Meta")).isEqualTo(
				Map.of("capacity", "10", "inFlight", "2", "version", "1.0", "instance", "host:1"));
		assertThat(service.get("TTL")).isEqualTo(LONG_TTL);
		assertThat(consul.value(ConsulAgentRegistry.CARDS + "agent-a")).contains("\"registeredAt\"");
		assertThat(consul.tokens).as("every request carries the ACL token").containsOnly("acl-secret");
		assertThat(consul.requests).anyMatch(r -> r.startsWith("GET /v1/health/service/colony-agent?passing=true&index="))
			.anyMatch(r -> r.matches("GET /v1/kv/colony/agents/\\?recurse=true&index=\\d+&wait=120s"));
	}

	@Test
	void laterHeartbeatsPassTheCheckAndAnOlderOneChangesNothing() {
		AgentId id = AgentId.of("beating");
		Instant sent = Instant.now();
		registry.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 10, 1, "1", LONG_TTL, sent),
				lease(sent, LONG_TTL));
		Await.until(WAIT, "agent listed", () -> registry.live(id, Instant.now()).isPresent());

		Instant later = sent.plusSeconds(1);
		assertThat(registry.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 10, 1, "1", LONG_TTL,
				later), lease(later, LONG_TTL))).isTrue();
		assertThat(consul.requests).contains("PUT /v1/agent/check/pass/service%3Abeating");
		assertThat(registry.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 99, 9, "0", LONG_TTL,
				sent.minusSeconds(30)), lease(later, LONG_TTL))).as("out of order").isFalse();

		AgentView view = Await.untilValue(WAIT, "second beat seen", () -> registry.live(id, Instant.now()),
				found -> found.map(agent -> agent.lastSeen().equals(later)).orElse(false)).orElseThrow();
		assertThat(view.capacity()).isEqualTo(10);
		assertThat(view.registeredAt()).as("kept from the first beat").isEqualTo(sent);
	}

	@Test
	void anAgentWhoseTtlPassesWithoutAHeartbeatIsNoLongerListed() {
		AgentId id = AgentId.of("short-lived");
		Instant now = Instant.now();
		registry.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 1, 0, "1", Duration.ofSeconds(1), now),
				lease(now, Duration.ofSeconds(1)));
		Await.until(WAIT, "agent listed", () -> registry.live(id, Instant.now()).isPresent());

		Await.until(WAIT, "agent gone once its check turned critical",
				() -> registry.live(new AgentFilter(null, null), Instant.now()).isEmpty());
		assertThat(consul.service("short-lived").get("Status")).isEqualTo("critical");
	}

	@Test
	void aDepartedAgentIsDeregisteredButItsKeysAndRevocationsStay() {
		AgentId id = AgentId.of("leaving");
		AgentKey key = new AgentKey("0123456789abcdef", AgentKey.ED25519, "MCowBQYDK2VwAyEA", Instant.parse(
				"2026-01-01T00:00:00Z"), null);
		Instant sent = Instant.now();
		registry.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 1, 0, "1", LONG_TTL, sent,
				List.of(key)), lease(sent, LONG_TTL));
		Await.until(WAIT, "agent listed", () -> registry.live(id, Instant.now()).isPresent());
		Instant revokedAt = Instant.now();
		assertThat(registry.revokeKey(id, key.keyId(), revokedAt)).isTrue();
		assertThat(registry.revokeKey(id, key.keyId(), revokedAt.plusSeconds(1))).as("already revoked").isFalse();
		Await.until(WAIT, "revocation listed", () -> registry.live(id, Instant.now())
			.map(view -> view.keys().getFirst().revoked())
			.orElse(false));

		registry.remove(id, sent.plusMillis(1));

		Await.until(WAIT, "departed agent gone", () -> registry.live(id, Instant.now()).isEmpty());
		assertThat(consul.service("leaving")).isNull();
		assertThat(registry.key(id, key.keyId())).map(AgentKey::revokedAt).contains(revokedAt);

		Instant back = sent.plusSeconds(5);
		registry.recordHeartbeat(new AgentHeartbeat(id, "h2", List.of(SUMMARIZER), 1, 0, "1", LONG_TTL, back,
				List.of(key, new AgentKey("fedcba9876543210", AgentKey.ED25519, "MCowBQYDK2VwAyEB", back, null))),
				lease(Instant.now(), LONG_TTL));
		AgentView again = Await.untilValue(WAIT, "agent back", () -> registry.live(id, Instant.now()),
				Optional::isPresent).orElseThrow();
		assertThat(again.keys()).extracting(AgentKey::keyId).containsExactly("0123456789abcdef", "fedcba9876543210");
		assertThat(again.keys().getFirst().revokedAt()).as("the same key announced again stays revoked")
			.isEqualTo(revokedAt);
		assertThat(again.registeredAt()).as("a new registration after the departure").isAfter(sent);
	}

	@Test
	void aChangeByAnotherRegistryInstanceWakesTheBlockingQueries() {
		AgentId id = AgentId.of("shared");
		AgentKey key = new AgentKey("0123456789abcdef", AgentKey.ED25519, "MCowBQYDK2VwAyEA", Instant.now(), null);
		Instant sent = Instant.now();
		try (ConsulAgentRegistry other = new ConsulAgentRegistry(new ConsulProperties(consul.url(), null,
				"colony-agent", Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofSeconds(5)),
				new MessageCodec().mapper(), Clock.systemUTC())) {
			other.recordHeartbeat(new AgentHeartbeat(id, "h", List.of(SUMMARIZER), 1, 0, "1", LONG_TTL, sent,
					List.of(key)), lease(sent, LONG_TTL));
			Await.until(WAIT, "agent registered by the other instance listed",
					() -> registry.live(id, Instant.now()).isPresent());

			Instant revokedAt = Instant.now();
			other.revokeKey(id, key.keyId(), revokedAt);

			Await.until(WAIT, "revocation by the other instance seen",
					() -> registry.live(id, Instant.now()).map(view -> view.keys().getFirst().revokedAt())
						.filter(revokedAt::equals)
						.isPresent());
		}
	}

	private static AgentLease lease(Instant now, Duration ttl) {
		return new AgentLease(now, now.plus(ttl));
	}

	private static List<AgentId> ids(List<AgentView> views) {
		return views.stream().map(AgentView::agentId).toList();
	}
}
