package io.colony.gateway.resident;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The instance's private queue for resident agents' events ({@code resident.#} on {@code colony.events}). Its own
 * queue rather than a second binding of the job events' one: each hub decodes its own sealed family. As a bean it is
 * re-declared whenever the connection is re-established, so the consumer survives broker restarts.
 */
@Configuration(proxyBeanMethods = false)
class ResidentEventsConfiguration {

	@Bean
	Declarables gatewayResidentEventsQueue() {
		return ColonyTopology.privateQueue("gateway.residents.",
				new ColonyTopology.Route(Destinations.EVENTS, "resident.#"));
	}
}
