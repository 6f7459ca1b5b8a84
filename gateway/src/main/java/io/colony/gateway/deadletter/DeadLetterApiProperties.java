package io.colony.gateway.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The dead-letter routes at the gateway (the orchestrator's URL is {@code colony.gateway.orchestrator-url}).
 *
 * @param maxBodySize largest action body (replay all, discard) passed on; larger is a 413 before anything is sent
 */
@ConfigurationProperties("colony.gateway.dead-letters")
record DeadLetterApiProperties(DataSize maxBodySize) {

	DeadLetterApiProperties {
		maxBodySize = maxBodySize == null ? DataSize.ofKilobytes(16) : maxBodySize;
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > DataSize.ofMegabytes(1).toBytes()) {
			throw new IllegalArgumentException("colony.gateway.dead-letters.max-body-size must be between 1B and 1MB");
		}
	}
}
