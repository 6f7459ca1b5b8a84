package io.colony.credentials.lease;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param leaseSweepInterval how often leases whose token expired without renewal are marked {@code EXPIRED}; until
 *     then they already hand out nothing and are listed as expired
 */
@ConfigurationProperties("colony.credentials")
record LeaseProperties(Duration leaseSweepInterval) {

	LeaseProperties {
		leaseSweepInterval = leaseSweepInterval == null ? Duration.ofSeconds(5) : leaseSweepInterval;
		if (leaseSweepInterval.isNegative() || leaseSweepInterval.isZero()) {
			throw new IllegalArgumentException("colony.credentials.lease-sweep-interval must be positive");
		}
	}
}
