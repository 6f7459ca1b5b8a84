package io.colony.gateway.job.events;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** @param heartbeat how often an idle event stream gets a comment line, so proxies keep it open */
@ConfigurationProperties("colony.gateway.events")
record JobEventsProperties(Duration heartbeat) {

	JobEventsProperties {
		heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("colony.gateway.events.heartbeat must be positive");
		}
	}
}
