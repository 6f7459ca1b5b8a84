package io.colony.registry.agents;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AgentLeaseTests {

	private static final RegistryProperties PROPERTIES = new RegistryProperties(RegistryProperties.Backend.EMBEDDED,
			Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(5));

	private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

	@Test
	void ttlWithinBoundsIsKept() {
		assertThat(AgentLease.clamp(Duration.ofSeconds(30), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(AgentLease.clamp(Duration.ofSeconds(2), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofSeconds(2));
		assertThat(AgentLease.clamp(Duration.ofMinutes(5), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void shortMissingZeroOrNegativeTtlGetsTheMinimum() {
		assertThat(AgentLease.clamp(Duration.ofMillis(100), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofSeconds(2));
		assertThat(AgentLease.clamp(null, PROPERTIES.minTtl(), PROPERTIES.maxTtl())).isEqualTo(Duration.ofSeconds(2));
		assertThat(AgentLease.clamp(Duration.ZERO, PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofSeconds(2));
		assertThat(AgentLease.clamp(Duration.ofSeconds(-10), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void longTtlIsCutToTheMaximum() {
		assertThat(AgentLease.clamp(Duration.ofHours(1), PROPERTIES.minTtl(), PROPERTIES.maxTtl()))
			.isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void leaseRunsFromTheRegistrysClockNotTheSendersClock() {
		AgentLease lease = AgentLease.grant(Duration.ofSeconds(30), NOW, PROPERTIES);

		assertThat(lease.lastSeen()).isEqualTo(NOW);
		assertThat(lease.expiresAt()).isEqualTo(NOW.plusSeconds(30));
	}

	@Test
	void entryIsLiveStrictlyBeforeItsExpiry() {
		Instant expiresAt = NOW.plusSeconds(2);

		assertThat(AgentLease.isLive(expiresAt, NOW)).isTrue();
		assertThat(AgentLease.isLive(expiresAt, expiresAt.minusMillis(1))).isTrue();
		assertThat(AgentLease.isLive(expiresAt, expiresAt)).isFalse();
		assertThat(AgentLease.isLive(expiresAt, expiresAt.plusSeconds(1))).isFalse();
	}

	@Test
	void settingsMustDescribeAUsableRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RegistryProperties(
				RegistryProperties.Backend.EMBEDDED, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(5)))
			.withMessageContaining("max-ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> new RegistryProperties(
				RegistryProperties.Backend.EMBEDDED, Duration.ZERO, Duration.ofMinutes(5), Duration.ofSeconds(5)))
			.withMessageContaining("min-ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> new RegistryProperties(
				RegistryProperties.Backend.EMBEDDED, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ZERO))
			.withMessageContaining("sweep-interval");
	}
}
