package io.colony.orchestrator.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param stallAfter an unfinished job whose row and tasks have not changed for this long counts as stalled
 * ({@code colony.jobs.stalled}): no task finished, failed or was retried, no progress arrived
 */
@ConfigurationProperties("colony.orchestrator")
record JobMetricsProperties(Duration stallAfter) {

	JobMetricsProperties {
		stallAfter = stallAfter == null ? Duration.ofMinutes(10) : stallAfter;
		if (stallAfter.isNegative() || stallAfter.isZero()) {
			throw new IllegalArgumentException("colony.orchestrator.stall-after must be positive");
		}
	}
}
