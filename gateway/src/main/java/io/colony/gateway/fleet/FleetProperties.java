package io.colony.gateway.fleet;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;

/**
 * The operators' fleet view ({@code GET /api/v1/fleet}). RabbitMQ's management API is asked with the gateway's own
 * RabbitMQ user ({@code spring.rabbitmq.username}/{@code password}) about the gateway's own virtual host
 * ({@code spring.rabbitmq.virtual-host}); the registry, orchestrator and credential service are the ones the
 * gateway already queries ({@code colony.gateway.*-url}).
 *
 * @param rabbitmqManagementUrl base URL of RabbitMQ's management HTTP API (plugin {@code rabbitmq_management})
 * @param timeout how long each source may take; a slower one is shown as unavailable, the others still show.
 * Short, because the console asks again every two seconds.
 * @param maxResponseSize the largest answer read from one source (the broker's queue list, the registry's agents,
 * the orchestrator's metrics); a larger one is shown as unavailable
 */
@ConfigurationProperties("colony.gateway.fleet")
public record FleetProperties(URI rabbitmqManagementUrl, Duration timeout, DataSize maxResponseSize) {

	public FleetProperties {
		rabbitmqManagementUrl = rabbitmqManagementUrl == null ? URI.create("http://127.0.0.1:15672")
				: rabbitmqManagementUrl;
		timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
		maxResponseSize = maxResponseSize == null ? DataSize.ofMegabytes(16) : maxResponseSize;
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.gateway.fleet.timeout must be positive, was " + timeout);
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"colony.gateway.fleet.max-response-size must be between 1KB and 2GB, was " + maxResponseSize);
		}
	}
}
