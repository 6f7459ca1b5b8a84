package io.colony.registry.agents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Deletes entries whose lease ran out. Reads already hide them, so this only keeps the table small; it may
 * run on every registry instance at once.
 */
@Component
class ExpiredAgentSweeper implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(ExpiredAgentSweeper.class);

	private final AgentRegistry registry;

	private final RegistryProperties properties;

	private final Clock clock;

	ExpiredAgentSweeper(AgentRegistry registry, RegistryProperties properties, Clock clock) {
		this.registry = registry;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::removeExpiredAgents, properties.sweepInterval());
	}

	void removeExpiredAgents() {
		try {
			int removed = registry.removeExpired(clock.instant());
			if (removed > 0) {
				log.info("removed {} expired agent entries", removed);
			}
		}
		catch (RuntimeException ex) {
			log.warn("sweeping expired agent entries failed, will try again in {}: {}", properties.sweepInterval(),
					ex.toString());
		}
	}
}
