package io.colony.orchestrator.retry;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Retries of failed task attempts.
 *
 * @param retryBackoff wait before the second attempt; doubles with each further attempt
 * @param maxRetryBackoff the longest wait between attempts
 * @param resultPrefetch unacknowledged failed results per consumer
 * @param inboxRetention how long the ids of handled results are kept for de-duplication; a redelivery
 * later than that is applied again (and then ignored as a superseded attempt)
 */
@ConfigurationProperties("colony.orchestrator")
record RetryProperties(Duration retryBackoff, Duration maxRetryBackoff, Integer resultPrefetch,
		Duration inboxRetention) {

	RetryProperties {
		retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
		maxRetryBackoff = maxRetryBackoff == null ? Duration.ofSeconds(30) : maxRetryBackoff;
		resultPrefetch = resultPrefetch == null ? 100 : resultPrefetch;
		inboxRetention = inboxRetention == null ? Duration.ofDays(1) : inboxRetention;
	}
}
