package io.colony.aggregator.result;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param batchSize results recorded per transaction at most
 * @param batchWait how long the consumer waits to fill a batch before recording what it has
 */
@ConfigurationProperties("colony.aggregator")
record ResultsProperties(Integer batchSize, Duration batchWait) {

	ResultsProperties {
		batchSize = batchSize == null ? 500 : batchSize;
		batchWait = batchWait == null ? Duration.ofMillis(20) : batchWait;
		if (batchSize < 1) {
			throw new IllegalArgumentException("colony.aggregator.batch-size must be at least 1");
		}
	}
}
