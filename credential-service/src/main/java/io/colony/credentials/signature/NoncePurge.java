package io.colony.credentials.signature;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Clock;

/** Keeps the nonce table small; any number of instances may purge at once. */
@Component
class NoncePurge implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(NoncePurge.class);

	private final Nonces nonces;

	private final SignatureProperties properties;

	private final Clock clock;

	NoncePurge(Nonces nonces, SignatureProperties properties, Clock clock) {
		this.nonces = nonces;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::purge, properties.noncePurgeInterval());
	}

	void purge() {
		try {
			int purged = nonces.purge(clock.instant());
			if (purged > 0) {
				log.debug("forgot {} nonces past their signature's freshness", purged);
			}
		}
		catch (RuntimeException ex) {
			log.warn("nonce purge failed, will retry in {}: {}", properties.noncePurgeInterval(), ex.toString());
		}
	}
}
