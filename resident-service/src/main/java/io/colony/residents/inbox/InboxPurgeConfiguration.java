package io.colony.residents.inbox;

import io.colony.platform.inbox.Inbox;
import io.colony.platform.inbox.InboxPurge;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** Forgets processed mailbox message ids older than {@code colony.residents.inbox-retention}. */
@Configuration(proxyBeanMethods = false)
class InboxPurgeConfiguration {

	/**
	 * @param inboxRetention how long processed message ids are remembered (a redelivery older than this would be
	 * answered again)
	 * @param inboxPurgeInterval how often older ids are deleted
	 */
	@ConfigurationProperties("colony.residents")
	record InboxRetentionProperties(Duration inboxRetention, Duration inboxPurgeInterval) {

		InboxRetentionProperties {
			inboxRetention = inboxRetention == null ? Duration.ofDays(7) : inboxRetention;
			inboxPurgeInterval = inboxPurgeInterval == null ? Duration.ofHours(1) : inboxPurgeInterval;
		}
	}

	@Bean
	InboxPurge inboxPurge(Inbox inbox, InboxRetentionProperties properties) {
		return new InboxPurge(inbox, properties.inboxRetention(), properties.inboxPurgeInterval());
	}
}
