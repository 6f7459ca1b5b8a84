package io.colony.registry.agents;

import io.colony.contracts.AgentDeparted;
import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentKeyRotationRequested;
import io.colony.contracts.Destinations;
import io.colony.contracts.RegistryEvent;
import io.colony.contracts.UnknownRegistryEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.PermanentFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Keeps the registry in step with {@code registry.agents}: heartbeats create or refresh entries,
 * departures drop them. Applying an event twice has the same effect as once, and a heartbeat delivered
 * after a later one of the same agent changes nothing, so redelivery and reordering are harmless.
 */
@Component
class AgentPresenceConsumer implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(AgentPresenceConsumer.class);

	private static final int BATCH_SIZE = 200;

	private static final Duration BATCH_WAIT = Duration.ofMillis(50);

	private final ColonyConsumers consumers;

	private final AgentRegistry registry;

	private final RegistryProperties properties;

	private final Clock clock;

	AgentPresenceConsumer(ColonyConsumers consumers, AgentRegistry registry, RegistryProperties properties,
			Clock clock) {
		this.consumers = consumers;
		this.registry = registry;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumeBatches(ColonyTopology.serviceQueue(Destinations.REGISTRY_AGENTS_QUEUE), RegistryEvent.class,
				BATCH_SIZE, BATCH_WAIT, this::recordPresence);
	}

	/**
	 * Validates the whole batch before writing anything, so that an invalid heartbeat fails the batch at
	 * once; the consumer then retries its messages one by one and dead-letters only the invalid one.
	 */
	void recordPresence(List<Inbound<RegistryEvent>> batch) {
		for (Inbound<RegistryEvent> inbound : batch) {
			requireValid(inbound.payload());
		}
		for (Inbound<RegistryEvent> inbound : batch) {
			switch (inbound.payload()) {
				case AgentHeartbeat heartbeat -> recordHeartbeat(heartbeat);
				case AgentDeparted departed -> recordDeparture(departed);
				// the registry's own key events; they reach this queue only if someone binds it to them
				case AgentKeyRevoked revoked -> log.debug("ignoring {}: the registry published it", revoked);
				case AgentKeyRotationRequested rotation -> log.debug("ignoring {}: the registry published it", rotation);
				case UnknownRegistryEvent unknown ->
					log.debug("ignoring registry event {} of unknown type '{}'", inbound.messageId(), unknown.type());
			}
		}
	}

	private void recordHeartbeat(AgentHeartbeat heartbeat) {
		AgentLease lease = AgentLease.grant(heartbeat.ttl(), clock.instant(), properties);
		if (!registry.recordHeartbeat(heartbeat, lease)) {
			log.debug("ignoring heartbeat of {} sent at {}: a later one is recorded", heartbeat.agentId(),
					heartbeat.sentAt());
		}
	}

	private void recordDeparture(AgentDeparted departed) {
		registry.remove(departed.agentId(), departed.at());
	}

	private static void requireValid(RegistryEvent event) {
		switch (event) {
			case AgentHeartbeat heartbeat -> {
				try {
					InvalidHeartbeat.check(heartbeat);
				}
				catch (InvalidHeartbeat ex) {
					throw new PermanentFailure(ex.getMessage(), ex);
				}
			}
			case AgentDeparted departed -> {
				if (departed.agentId() == null) {
					throw new PermanentFailure("AgentDeparted without agentId");
				}
			}
			case AgentKeyRevoked revoked -> {
				// published by the registry itself: acknowledged and ignored
			}
			case AgentKeyRotationRequested rotation -> {
				// published by the registry itself: acknowledged and ignored
			}
			case UnknownRegistryEvent unknown -> {
				// a newer producer's event: acknowledged and ignored
			}
		}
	}
}
