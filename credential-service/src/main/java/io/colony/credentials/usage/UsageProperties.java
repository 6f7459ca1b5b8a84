package io.colony.credentials.usage;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param inboxRetention how long the ids of recorded usage reports are remembered, so that a redelivered copy is
 *     not audited twice; a copy delivered later than that would be
 * @param inboxPurgeInterval how often older ids are forgotten
 */
@ConfigurationProperties("colony.credentials.usage")
record UsageProperties(Duration inboxRetention, Duration inboxPurgeInterval) {

	UsageProperties {
		inboxRetention = inboxRetention == null ? Duration.ofDays(7) : inboxRetention;
		inboxPurgeInterval = inboxPurgeInterval == null ? Duration.ofHours(1) : inboxPurgeInterval;
		if (inboxRetention.isNegative() || inboxRetention.isZero() || inboxPurgeInterval.isNegative()
				|| inboxPurgeInterval.isZero()) {
			throw new IllegalArgumentException("colony.credentials.usage.inbox-retention and -purge-interval must be positive");
		}
	}
}
