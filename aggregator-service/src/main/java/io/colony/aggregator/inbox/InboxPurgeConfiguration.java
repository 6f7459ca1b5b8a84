package io.colony.aggregator.inbox;

import io.colony.platform.inbox.Inbox;
import io.colony.platform.inbox.InboxPurge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Forgets result message ids older than {@code colony.aggregator.inbox-retention}. */
@Configuration(proxyBeanMethods = false)
class InboxPurgeConfiguration {

	@Bean
	InboxPurge inboxPurge(Inbox inbox, InboxRetentionProperties properties) {
		return new InboxPurge(inbox, properties.inboxRetention(), properties.inboxPurgeInterval());
	}
}
