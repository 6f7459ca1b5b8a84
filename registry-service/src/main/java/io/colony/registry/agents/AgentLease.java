package io.colony.registry.agents;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a heartbeat keeps an agent listed. The registry's own clock decides ({@code lastSeen} is when
 * the beat was recorded), so a worker with a wrong clock cannot keep itself alive or expire early; the
 * worker only chooses the length, within {@code [min-ttl, max-ttl]}.
 */
record AgentLease(Instant lastSeen, Instant expiresAt) {

	static AgentLease grant(Duration requestedTtl, Instant now, RegistryProperties properties) {
		return new AgentLease(now, now.plus(clamp(requestedTtl, properties.minTtl(), properties.maxTtl())));
	}

	/** A missing, zero or negative ttl gets the minimum. */
	static Duration clamp(Duration requested, Duration min, Duration max) {
		if (requested == null || requested.compareTo(min) < 0) {
			return min;
		}
		return requested.compareTo(max) > 0 ? max : requested;
	}

	/** An entry is live strictly before its expiry instant; at and after it, it is neither listed nor kept. */
	static boolean isLive(Instant expiresAt, Instant now) {
		return now.isBefore(expiresAt);
	}
}
