package io.colony.gateway.job.events;

import io.colony.contracts.Destinations;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The instance's private event queue. It is a broker-side exclusive, auto-delete, non-durable classic queue
 * with a unique generated name; as a bean it is re-declared (same name, same binding) whenever the
 * connection is re-established, so the consumer survives broker restarts.
 */
@Configuration(proxyBeanMethods = false)
class JobEventsConfiguration {

	@Bean
	AnonymousQueue gatewayEventsQueue() {
		AnonymousQueue queue = new AnonymousQueue(new Base64UrlNamingStrategy("gateway.events."));
		// RabbitMQ 4 refuses x-queue-leader-locator on classic queues; an exclusive queue lives on our node anyway
		queue.setLeaderLocator(null);
		return queue;
	}

	@Bean
	Binding gatewayEventsBinding(AnonymousQueue gatewayEventsQueue) {
		return BindingBuilder.bind(gatewayEventsQueue).to(new TopicExchange(Destinations.EVENTS)).with("job.#");
	}
}
