package io.colony.aggregator.inbox;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param inboxRetention how long processed message ids are remembered; a redelivery older than this is no
 * longer recognised as a duplicate (results would still be dropped by their (job, task) key)
 * @param inboxPurgeInterval how often ids older than the retention are deleted
 */
@ConfigurationProperties("colony.aggregator")
record InboxRetentionProperties(Duration inboxRetention, Duration inboxPurgeInterval) {

	InboxRetentionProperties {
		inboxRetention = inboxRetention == null ? Duration.ofDays(7) : inboxRetention;
		inboxPurgeInterval = inboxPurgeInterval == null ? Duration.ofHours(1) : inboxPurgeInterval;
	}
}
