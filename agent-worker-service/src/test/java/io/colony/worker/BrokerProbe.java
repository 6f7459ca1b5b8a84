package io.colony.worker;

import io.colony.platform.messaging.MessageCodec;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A test queue bound to an exchange, recording every message it receives, decoded as {@code T}. */
final class BrokerProbe<T> implements AutoCloseable {

	record Received<T>(T payload, UUID messageId) {
	}

	private final List<Received<T>> received = new CopyOnWriteArrayList<>();

	private final DirectMessageListenerContainer container;

	private BrokerProbe(DirectMessageListenerContainer container) {
		this.container = container;
	}

	static <T> BrokerProbe<T> listen(ConnectionFactory connectionFactory, AmqpAdmin admin, MessageCodec codec,
			String exchange, String routingKey, Class<T> type) {
		String name = "test.probe." + UUID.randomUUID();
		declare(admin, name, exchange, routingKey);
		return consume(connectionFactory, codec, name, type);
	}

	/** Declares the exchanges and the summarizers' queue (with its dead-letter queue) as the platform does. */
	static void declareTopology(AmqpAdmin admin) {
		List<Declarable> topology = new ArrayList<>(ColonyTopology.exchanges().getDeclarables());
		topology.addAll(ColonyTopology.declarables(ColonyTopology.agentQueue("summarizer"), 5).getDeclarables());
		for (Declarable declarable : topology) {
			switch (declarable) {
				case Exchange exchange -> admin.declareExchange(exchange);
				case Queue queue -> admin.declareQueue(queue);
				case Binding binding -> admin.declareBinding(binding);
				default -> throw new IllegalStateException(declarable.toString());
			}
		}
	}

	/** A queue that collects messages until a probe consumes it, e.g. before the service starts. */
	static void declare(AmqpAdmin admin, String queue, String exchange, String routingKey) {
		admin.declareQueue(new Queue(queue, false, false, false));
		admin.declareBinding(new Binding(queue, Binding.DestinationType.QUEUE, exchange, routingKey, null));
	}

	static <T> BrokerProbe<T> consume(ConnectionFactory connectionFactory, MessageCodec codec, String name,
			Class<T> type) {
		DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
		container.setQueueNames(name);
		container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		container.setPrefetchCount(500);
		BrokerProbe<T> probe = new BrokerProbe<>(container);
		container.setMessageListener((MessageListener) message -> probe.received.add(new Received<>(
				codec.decode(message.getBody(), type), UUID.fromString(message.getMessageProperties().getMessageId()))));
		container.afterPropertiesSet();
		container.start();
		return probe;
	}

	List<Received<T>> matching(Predicate<T> filter) {
		return received.stream().filter(r -> filter.test(r.payload())).toList();
	}

	@Override
	public void close() {
		container.stop();
	}
}
