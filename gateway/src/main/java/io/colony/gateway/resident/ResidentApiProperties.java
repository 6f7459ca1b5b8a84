package io.colony.gateway.resident;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The resident agents' routes at the gateway (the resident service's URL is {@code colony.gateway.residents-url},
 * with the other upstreams; request bodies are capped by {@code colony.gateway.max-body-size}, as jobs are).
 *
 * @param heartbeat how often an idle event stream gets a comment line, so proxies keep it open
 * @param maxBufferedEvents replies held for one slow stream; beyond that the stream ends (the client reconnects and
 * reads what it missed from the agent's view) rather than silently skipping one
 */
@ConfigurationProperties("colony.gateway.residents")
record ResidentApiProperties(Duration heartbeat, Integer maxBufferedEvents) {

	ResidentApiProperties {
		heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
		maxBufferedEvents = maxBufferedEvents == null ? 10_000 : maxBufferedEvents;
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("colony.gateway.residents.heartbeat must be positive");
		}
		if (maxBufferedEvents < 1) {
			throw new IllegalArgumentException("colony.gateway.residents.max-buffered-events must be at least 1");
		}
	}
}
