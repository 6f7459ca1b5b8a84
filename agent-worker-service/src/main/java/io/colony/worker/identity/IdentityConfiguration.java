package io.colony.worker.identity;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.WorkerProperties;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The worker's signing keys and the private queue of key events; the queue is non-durable, exclusive and
 * auto-deleted, and a bean so that the admin declares it again whenever the connection is re-established.
 */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

	@Bean
	WorkerKeys workerKeys(WorkerIdentityProperties properties, WorkerProperties worker) {
		return new WorkerKeys(properties.keyFile(), Clock.systemUTC(), worker.heartbeatInterval());
	}

	@Bean
	Declarables workerKeyEventsQueue() {
		return ColonyTopology.privateQueue("agent-worker.key-events.",
				new ColonyTopology.Route(Destinations.REGISTRY, Destinations.AGENT_KEY_ROTATION),
				new ColonyTopology.Route(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED));
	}

	@Bean
	KeyEventsListener keyEventsListener(ColonyConsumers consumers, Declarables workerKeyEventsQueue,
			WorkerIdentity identity, WorkerKeys keys) {
		return new KeyEventsListener(consumers, workerKeyEventsQueue, identity, keys);
	}
}
