package io.colony.aggregator.progress;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param progressInterval at most one {@code JobProgressed} per job per this interval
 */
@ConfigurationProperties("colony.aggregator")
record ProgressProperties(Duration progressInterval) {

	ProgressProperties {
		progressInterval = progressInterval == null ? Duration.ofMillis(250) : progressInterval;
		if (progressInterval.isNegative() || progressInterval.isZero()) {
			throw new IllegalArgumentException("colony.aggregator.progress-interval must be positive");
		}
	}
}
