package io.colony.platform.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the metrics every service exports.
 *
 * @param queuePollInterval how often the depth and consumer count of the queues this service consumes (and of their
 * dead-letter queues) are read from the broker, with a passive declare each
 * @param pollInterval how often gauges read from a service's database (jobs, agents, pending credential requests)
 * are refreshed; a scrape only reads the last value
 * @param maxTagValues how many distinct values a label fed by messages (tenant, model, capability) may take in
 * one process; later values are reported as {@value BoundedTagValues#OTHER}, so that a flood of new tenants
 * cannot blow up the number of series
 */
@ConfigurationProperties("colony.metrics")
public record ColonyMetricsProperties(Duration queuePollInterval, Duration pollInterval, Integer maxTagValues) {

	public ColonyMetricsProperties {
		queuePollInterval = queuePollInterval == null ? Duration.ofSeconds(5) : queuePollInterval;
		pollInterval = pollInterval == null ? Duration.ofSeconds(15) : pollInterval;
		maxTagValues = maxTagValues == null ? 200 : maxTagValues;
		if (queuePollInterval.isNegative() || queuePollInterval.isZero()) {
			throw new IllegalArgumentException("colony.metrics.queue-poll-interval must be positive");
		}
		if (pollInterval.isNegative() || pollInterval.isZero()) {
			throw new IllegalArgumentException("colony.metrics.poll-interval must be positive");
		}
		if (maxTagValues < 1) {
			throw new IllegalArgumentException("colony.metrics.max-tag-values must be at least 1");
		}
	}

	public static ColonyMetricsProperties defaults() {
		return new ColonyMetricsProperties(null, null, null);
	}
}
