package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentTypeDescriptor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvalidHeartbeatTests {

	private static final AgentTypeDescriptor SUMMARIZER = new AgentTypeDescriptor("summarizer", "summarizer", "sim");

	private static AgentHeartbeat heartbeat(AgentId id, List<AgentTypeDescriptor> types, int capacity, int inFlight) {
		return new AgentHeartbeat(id, "host:1", types, capacity, inFlight, "1.0", Duration.ofSeconds(30),
				Instant.parse("2026-01-01T12:00:00Z"));
	}

	@Test
	void aWellFormedHeartbeatPasses() {
		assertThatCode(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(SUMMARIZER), 10, 0)))
			.doesNotThrowAnyException();
		assertThatCode(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(), 0, 0)))
			.doesNotThrowAnyException();
	}

	@Test
	void missingAgentIdIsRejected() {
		assertThatThrownBy(() -> InvalidHeartbeat.check(heartbeat(null, List.of(SUMMARIZER), 10, 0)))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("agentId");
	}

	@Test
	void negativeCapacityOrLoadIsRejected() {
		assertThatThrownBy(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(SUMMARIZER), -1, 0)))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("negative capacity -1");
		assertThatThrownBy(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(SUMMARIZER), 1, -3)))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("negative inFlight -3");
	}

	@Test
	void capabilityThatCannotNameAQueueIsRejected() {
		for (String capability : Arrays.asList("Summarizer", "with space", "", "-leading-dash", "a.b", null)) {
			AgentTypeDescriptor type = new AgentTypeDescriptor("writer", capability, "sim");
			assertThatThrownBy(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(SUMMARIZER, type), 1, 0)))
				.as("capability %s", capability)
				.isInstanceOf(InvalidHeartbeat.class)
				.hasMessageContaining("invalid capability");
		}
	}

	@Test
	void agentTypeWithoutNameOrMissingSentAtIsRejected() {
		AgentTypeDescriptor nameless = new AgentTypeDescriptor(" ", "summarizer", "sim");
		assertThatThrownBy(() -> InvalidHeartbeat.check(heartbeat(AgentId.of("a-1"), List.of(nameless), 1, 0)))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("without a name");
		AgentHeartbeat undated = new AgentHeartbeat(AgentId.of("a-1"), "h", List.of(SUMMARIZER), 1, 0, "1",
				Duration.ofSeconds(5), null);
		assertThatThrownBy(() -> InvalidHeartbeat.check(undated)).isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("sentAt");
	}

	@Test
	void keysNeedAnIdAnAlgorithmAndAPublicKey() {
		Instant sent = Instant.parse("2026-01-01T12:00:00Z");
		AgentKey good = new AgentKey("0123456789abcdef", AgentKey.ED25519, "MCowBQYDK2VwAyEA", sent, null);
		assertThatCode(() -> InvalidHeartbeat.check(withKeys(good))).doesNotThrowAnyException();
		assertThatThrownBy(() -> InvalidHeartbeat.check(withKeys(new AgentKey("a/b", "Ed25519", "x", sent, null))))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("valid keyId");
		assertThatThrownBy(() -> InvalidHeartbeat.check(withKeys(new AgentKey("k1", " ", "x", sent, null))))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("key 'k1' without an algorithm");
		assertThatThrownBy(() -> InvalidHeartbeat.check(withKeys(new AgentKey("k1", "Ed25519", null, sent, null))))
			.isInstanceOf(InvalidHeartbeat.class)
			.hasMessageContaining("key 'k1' without a public key");
	}

	private static AgentHeartbeat withKeys(AgentKey key) {
		return new AgentHeartbeat(AgentId.of("a-1"), "host:1", List.of(SUMMARIZER), 1, 0, "1.0", Duration.ofSeconds(30),
				Instant.parse("2026-01-01T12:00:00Z"), List.of(key));
	}
}
