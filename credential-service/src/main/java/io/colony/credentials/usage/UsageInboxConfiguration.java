package io.colony.credentials.usage;

import io.colony.platform.inbox.Inbox;
import io.colony.platform.inbox.InboxPurge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Forgets the ids of recorded usage reports older than {@code colony.credentials.usage.inbox-retention}. */
@Configuration(proxyBeanMethods = false)
class UsageInboxConfiguration {

	@Bean
	InboxPurge usageInboxPurge(Inbox inbox, UsageProperties properties) {
		return new InboxPurge(inbox, properties.inboxRetention(), properties.inboxPurgeInterval());
	}
}
