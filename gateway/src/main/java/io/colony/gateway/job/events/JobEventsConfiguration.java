package io.colony.gateway.job.events;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The instance's private event queue, bound to every job event. As a bean it is re-declared (same name, same
 * binding) whenever the connection is re-established, so the consumer survives broker restarts.
 */
@Configuration(proxyBeanMethods = false)
class JobEventsConfiguration {

	@Bean
	Declarables gatewayEventsQueue() {
		return ColonyTopology.privateQueue("gateway.events.", new ColonyTopology.Route(Destinations.EVENTS, "job.#"));
	}
}
