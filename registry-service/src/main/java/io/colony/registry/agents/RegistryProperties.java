package io.colony.registry.agents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the agent registry.
 *
 * @param backend where entries are kept: {@code embedded} (PostgreSQL) or {@code consul} (see
 * {@link ConsulProperties})
 * @param minTtl the shortest time an entry lives after a heartbeat, whatever the heartbeat asks for
 * @param maxTtl the longest time an entry lives after a heartbeat, whatever the heartbeat asks for
 * @param sweepInterval how often expired entries are deleted (they are never listed once expired)
 */
@ConfigurationProperties("colony.registry")
record RegistryProperties(@DefaultValue("embedded") Backend backend, @DefaultValue("PT2S") Duration minTtl,
		@DefaultValue("PT5M") Duration maxTtl, @DefaultValue("PT5S") Duration sweepInterval) {

	enum Backend {
		EMBEDDED, CONSUL
	}

	RegistryProperties {
		if (minTtl.isNegative() || minTtl.isZero()) {
			throw new IllegalArgumentException("colony.registry.min-ttl must be positive, was " + minTtl);
		}
		if (maxTtl.compareTo(minTtl) < 0) {
			throw new IllegalArgumentException(
					"colony.registry.max-ttl (" + maxTtl + ") must not be shorter than min-ttl (" + minTtl + ")");
		}
		if (sweepInterval.isNegative() || sweepInterval.isZero()) {
			throw new IllegalArgumentException("colony.registry.sweep-interval must be positive, was " + sweepInterval);
		}
	}
}
