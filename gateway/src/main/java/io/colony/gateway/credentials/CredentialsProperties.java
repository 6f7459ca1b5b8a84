package io.colony.gateway.credentials;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The operator side of the credential broker at the gateway (the credential service's URL is
 * {@code colony.gateway.credentials-url}, with the other upstreams).
 *
 * @param maxBodySize largest decision body (approve, deny, revoke) passed on; larger is a 413 before anything is
 * sent
 * @param heartbeat how often an idle event stream gets a comment line, so proxies keep it open
 * @param maxBufferedEvents events held for one slow stream; beyond that the stream ends, and the console reconnects
 * and reloads (it never silently misses a request)
 */
@ConfigurationProperties("colony.gateway.credentials")
record CredentialsProperties(DataSize maxBodySize, Duration heartbeat, Integer maxBufferedEvents) {

	CredentialsProperties {
		maxBodySize = maxBodySize == null ? DataSize.ofKilobytes(16) : maxBodySize;
		heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
		maxBufferedEvents = maxBufferedEvents == null ? 1000 : maxBufferedEvents;
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > DataSize.ofMegabytes(1).toBytes()) {
			throw new IllegalArgumentException("colony.gateway.credentials.max-body-size must be between 1B and 1MB");
		}
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("colony.gateway.credentials.heartbeat must be positive");
		}
		if (maxBufferedEvents < 1) {
			throw new IllegalArgumentException("colony.gateway.credentials.max-buffered-events must be at least 1");
		}
	}
}
