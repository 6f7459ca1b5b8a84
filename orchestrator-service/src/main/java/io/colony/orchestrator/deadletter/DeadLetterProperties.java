package io.colony.orchestrator.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of the dead-letter keeper ({@code colony.orchestrator.dead-letters.*}).
 *
 * @param enabled whether this instance consumes the {@code .dlq} queues (the API is served either way)
 * @param managementUrl RabbitMQ's management HTTP API, asked for the vhost's queues; user and password are the
 * AMQP connection's
 * @param discoveryInterval how often the keeper looks for new (or deleted) {@code .dlq} queues
 * @param queuePattern which dead-letter queues to keep (a regular expression over the {@code .dlq} queue's name)
 * @param operatorTenant the tenant that sees dead letters which carry no tenant header
 * @param maxBody bodies above this are not stored (only their size); such a dead letter cannot be replayed
 * @param prefetch unacknowledged dead letters per queue consumer
 * @param retryBackoff how long a dead letter that could not be stored waits before it is returned to its queue
 * @param replayAllLimit at most this many dead letters are replayed by one "replay all" call
 */
@ConfigurationProperties("colony.orchestrator.dead-letters")
record DeadLetterProperties(Boolean enabled, URI managementUrl, Duration discoveryInterval, Pattern queuePattern,
		String operatorTenant, DataSize maxBody, Integer prefetch, Duration retryBackoff, Integer replayAllLimit) {

	DeadLetterProperties {
		enabled = enabled == null || enabled;
		managementUrl = managementUrl == null ? URI.create("http://127.0.0.1:15672") : managementUrl;
		discoveryInterval = discoveryInterval == null ? Duration.ofSeconds(5) : discoveryInterval;
		queuePattern = queuePattern == null ? Pattern.compile(".+\\.dlq") : queuePattern;
		operatorTenant = operatorTenant == null ? "system" : operatorTenant;
		maxBody = maxBody == null ? DataSize.ofMegabytes(1) : maxBody;
		prefetch = prefetch == null ? 50 : prefetch;
		retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
		replayAllLimit = replayAllLimit == null ? 10_000 : replayAllLimit;
		if (discoveryInterval.isNegative() || discoveryInterval.isZero()) {
			throw new IllegalArgumentException("colony.orchestrator.dead-letters.discovery-interval must be positive");
		}
		if (operatorTenant.isBlank()) {
			throw new IllegalArgumentException("colony.orchestrator.dead-letters.operator-tenant must not be blank");
		}
		if (maxBody.toBytes() < 1 || maxBody.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("colony.orchestrator.dead-letters.max-body must be 1B..2GB");
		}
		if (prefetch < 1 || replayAllLimit < 1) {
			throw new IllegalArgumentException(
					"colony.orchestrator.dead-letters.prefetch and replay-all-limit must be at least 1");
		}
	}
}
