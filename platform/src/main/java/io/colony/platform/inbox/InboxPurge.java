package io.colony.platform.inbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import java.time.Duration;

/**
 * Keeps a service's inbox bounded: every {@code interval} forgets message ids older than {@code retention}. A
 * redelivery older than the retention would then be processed again, so the retention must exceed how long the
 * broker can hold a message back. Register it as a bean in a service with scheduling enabled.
 */
public class InboxPurge implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(InboxPurge.class);

	private final Inbox inbox;

	private final Duration retention;

	private final Duration interval;

	public InboxPurge(Inbox inbox, Duration retention, Duration interval) {
		this.inbox = inbox;
		this.retention = retention;
		this.interval = interval;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::purge, interval);
	}

	void purge() {
		try {
			int purged = inbox.purgeOlderThan(retention);
			if (purged > 0) {
				log.info("purged {} inbox entries older than {}", purged, retention);
			}
		}
		catch (RuntimeException ex) {
			log.warn("inbox purge failed, will retry in {}: {}", interval, ex.toString());
		}
	}
}
