package io.colony.credentials.policy;

import java.time.Duration;

/**
 * What policy allows a grant: the smallest {@code max-ttl} and {@code max-lifetime} of the rules that matched the
 * request's scope tokens.
 */
public record PolicyLimits(Duration maxTtl, Duration maxLifetime) {

	public PolicyLimits {
		if (maxTtl == null || maxTtl.compareTo(Duration.ofSeconds(1)) < 0 || maxLifetime == null
				|| maxLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("policy limits must be at least PT1S: " + maxTtl + ", " + maxLifetime);
		}
	}
}
