package io.colony.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param clockSkew how far a token's {@code exp}/{@code nbf} may be off; at most 5 seconds, so an expired token
 * stops working almost at once
 */
@ConfigurationProperties("colony.gateway.security")
public record GatewaySecurityProperties(Duration clockSkew) {

	static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(5);

	public GatewaySecurityProperties {
		clockSkew = clockSkew == null ? MAX_CLOCK_SKEW : clockSkew;
		if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
			throw new IllegalArgumentException(
					"colony.gateway.security.clock-skew must be between PT0S and PT5S, was " + clockSkew);
		}
	}
}
