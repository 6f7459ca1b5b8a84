package io.colony.worker.cancellation;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How cancelled jobs are remembered.
 *
 * @param maxEntries how many cancelled job ids are kept; the oldest are forgotten first
 * @param retention how long one is kept; tasks of a job are not expected to arrive later than that
 */
@ConfigurationProperties("colony.worker.cancellation")
public record CancellationProperties(Integer maxEntries, Duration retention) {

	public CancellationProperties {
		maxEntries = maxEntries == null ? 100_000 : maxEntries;
		retention = retention == null ? Duration.ofHours(1) : retention;
		if (maxEntries < 1) {
			throw new IllegalArgumentException("colony.worker.cancellation.max-entries must be at least 1");
		}
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("colony.worker.cancellation.retention must be positive");
		}
	}
}
