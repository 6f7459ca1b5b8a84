package io.colony.platform.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param batchSize rows published per relay round (one transaction, confirms awaited together)
 * @param pollInterval how often the relay looks for rows when nothing woke it (rows written by other
 * instances, delayed rows coming due)
 * @param retryDelay how long a row whose publish failed waits before the next try
 * @param retention how long sent rows are kept for inspection before they are deleted
 * @param relays relay loops per instance, so that rounds overlap while one waits for its confirms
 */
@ConfigurationProperties("colony.outbox")
public record OutboxProperties(Boolean enabled, Integer batchSize, Duration pollInterval, Duration retryDelay,
		Duration retention, Integer relays) {

	public OutboxProperties {
		enabled = enabled == null || enabled;
		batchSize = batchSize == null ? 2000 : batchSize;
		pollInterval = pollInterval == null ? Duration.ofMillis(200) : pollInterval;
		retryDelay = retryDelay == null ? Duration.ofSeconds(1) : retryDelay;
		retention = retention == null ? Duration.ofHours(1) : retention;
		relays = relays == null ? 3 : Math.max(1, relays);
	}
}
