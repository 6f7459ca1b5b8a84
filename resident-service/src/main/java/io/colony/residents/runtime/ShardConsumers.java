package io.colony.residents.runtime;

import io.colony.contracts.ResidentMail;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.residents.ResidentProperties;
import io.colony.contracts.Destinations;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Subscribes to every shard queue. The queues are single-active-consumer: of all instances subscribed, the broker
 * delivers a shard to one, and when that one leaves (or dies, its connection dropping) gives the shard, with its
 * unacknowledged messages, to the next. Shard ownership therefore follows instances joining and leaving without any
 * coordination here.
 */
@Configuration(proxyBeanMethods = false)
class ShardConsumers implements SmartInitializingSingleton {

	private final ColonyConsumers consumers;

	private final AmqpAdmin admin;

	private final ResidentRuntime runtime;

	private final ResidentProperties properties;

	ShardConsumers(ColonyConsumers consumers, AmqpAdmin admin, ResidentRuntime runtime, ResidentProperties properties) {
		this.consumers = consumers;
		this.admin = admin;
		this.runtime = runtime;
		this.properties = properties;
	}

	/**
	 * Replies are published with the platform's mandatory publisher, which refuses a message no queue takes: when no
	 * gateway is streaming {@code resident.replied}, every reply would sit in the outbox retrying (and later replies
	 * could overtake earlier ones). This queue takes every reply and keeps none ({@code x-max-length: 0}), so replies
	 * are always routable; subscribers (the gateway's private queue) get their own copies.
	 */
	static final String REPLIES_SINK = "residents.replies.sink";

	/** Re-declared by the admin on every new connection (the platform's exchanges do not include it yet). */
	@Bean
	static Declarables residentsTopology() {
		return new Declarables(ColonyTopology.residentsExchange(), repliesSink(),
				new Binding(REPLIES_SINK, Binding.DestinationType.QUEUE, Destinations.EVENTS, Destinations.RESIDENT_REPLIED,
						null));
	}

	private static Queue repliesSink() {
		return QueueBuilder.durable(REPLIES_SINK).maxLength(0).build();
	}

	@Override
	public void afterSingletonsInstantiated() {
		ColonyTopology.exchanges()
			.getDeclarablesByType(org.springframework.amqp.core.Exchange.class)
			.forEach(admin::declareExchange);
		admin.declareExchange(ColonyTopology.residentsExchange());
		admin.declareQueue(repliesSink());
		admin.declareBinding(new Binding(REPLIES_SINK, Binding.DestinationType.QUEUE, Destinations.EVENTS,
				Destinations.RESIDENT_REPLIED, null));
		for (int shard = 0; shard < properties.shards(); shard++) {
			consumers.consume(ColonyTopology.residentShardQueue(shard), ResidentMail.class, properties.prefetch(), 1,
					runtime::deliver);
		}
	}
}
