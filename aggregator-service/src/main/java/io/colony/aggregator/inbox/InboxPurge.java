package io.colony.aggregator.inbox;

import io.colony.platform.inbox.Inbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/** Keeps the inbox bounded: forgets message ids older than {@code colony.aggregator.inbox-retention}. */
@Component
class InboxPurge implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(InboxPurge.class);

	private final Inbox inbox;

	private final InboxRetentionProperties properties;

	InboxPurge(Inbox inbox, InboxRetentionProperties properties) {
		this.inbox = inbox;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::purge, properties.inboxPurgeInterval());
	}

	void purge() {
		try {
			int purged = inbox.purgeOlderThan(properties.inboxRetention());
			if (purged > 0) {
				log.info("purged {} inbox entries older than {}", purged, properties.inboxRetention());
			}
		}
		catch (RuntimeException ex) {
			log.warn("inbox purge failed, will retry in {}: {}", properties.inboxPurgeInterval(), ex.toString());
		}
	}
}
