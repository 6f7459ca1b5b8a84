package io.colony.credentials.request;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** @param approvalTimeout how long a request that needs a person waits for one before it times out */
@ConfigurationProperties("colony.credentials")
record RequestProperties(Duration approvalTimeout) {

	RequestProperties {
		approvalTimeout = approvalTimeout == null ? Duration.ofMinutes(15) : approvalTimeout;
		if (approvalTimeout.isNegative() || approvalTimeout.isZero()) {
			throw new IllegalArgumentException("colony.credentials.approval-timeout must be positive");
		}
	}
}
