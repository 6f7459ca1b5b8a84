package io.colony.orchestrator.deadletter;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes every message off every dead-letter queue into table {@code dead_letters}, where an operator can see it and
 * replay or discard it. The queues are found by asking {@link DeadLetterQueues} every {@code discovery-interval}
 * (agent queues appear at run time, with every new capability); one listener container consumes them all and is
 * extended (or shrunk) as queues come and go.
 *
 * <p>A message is acknowledged only after its row committed: a crash in between redelivers it, and the store
 * recognises it (same queue, message id and death time) and changes nothing. When the row cannot be written (the
 * database is down) the message waits {@code retry-backoff} on the consumer thread and goes back to its queue; the
 * {@code .dlq} queues are declared without a delivery limit, so nothing is lost meanwhile (RabbitMQ 4 gives quorum
 * queues a default of 20: lift it for {@code .dlq} with a policy, see docs/operations.md). Several orchestrator
 * instances share the queues as competing consumers.
 */
class DeadLetterKeeper implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DeadLetterKeeper.class);

	/** AMQP long-string headers up to this length arrive as strings (Colony's death reasons are ≤ 1000 chars). */
	private static final int LONG_STRING_LIMIT = 64 * 1024;

	private final ConnectionFactory connectionFactory;

	private final DeadLetterQueues queues;

	private final DeadLetterStore store;

	private final DeadLetterProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	private final Set<String> consumed = new HashSet<>();

	private volatile DirectMessageListenerContainer container;

	private volatile ScheduledExecutorService discovery;

	private volatile boolean discoveryFailing;

	DeadLetterKeeper(ConnectionFactory connectionFactory, DeadLetterQueues queues, DeadLetterStore store,
			DeadLetterProperties properties, JsonMapper json, Clock clock) {
		this.connectionFactory = connectionFactory;
		this.queues = queues;
		this.store = store;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	/** Stores one dead letter, then acks it; on failure returns it to its queue after {@code retry-backoff}. */
	void keepDeadLetter(Message message, Channel channel, String deadLetterQueue) throws IOException {
		long tag = message.getMessageProperties().getDeliveryTag();
		try {
			store.keep(IncomingDeadLetter.of(message, deadLetterQueue, (int) properties.maxBody().toBytes(), json,
					clock.instant()));
		}
		catch (RuntimeException ex) {
			log.error("could not store dead letter {} from {}; returning it to the queue in {}",
					message.getMessageProperties().getMessageId(), deadLetterQueue, properties.retryBackoff(), ex);
			// a back-off rather than a hot loop while the database is away
			LockSupport.parkNanos(properties.retryBackoff().toNanos());
			channel.basicNack(tag, false, true);
			return;
		}
		channel.basicAck(tag, false);
	}

	/** Adds the dead-letter queues that appeared and drops those that went since the last look. */
	synchronized void discover() {
		DirectMessageListenerContainer current = container;
		if (current == null) {
			return;
		}
		List<String> found;
		try {
			found = queues.deadLetterQueues().stream().filter(name -> properties.queuePattern().matcher(name).matches())
				.toList();
			if (discoveryFailing) {
				log.info("dead-letter queue discovery works again");
				discoveryFailing = false;
			}
		}
		catch (RuntimeException ex) {
			if (!discoveryFailing) {
				log.warn("cannot list dead-letter queues ({}); keeping the {} known ones until it answers", ex.toString(),
						consumed.size());
				discoveryFailing = true;
			}
			return;
		}
		List<String> added = found.stream().filter(name -> !consumed.contains(name)).toList();
		List<String> removed = consumed.stream().filter(name -> !found.contains(name)).toList();
		if (!removed.isEmpty()) {
			current.removeQueueNames(removed.toArray(String[]::new));
			removed.forEach(consumed::remove);
			log.info("no longer keeping dead letters of {} (queues deleted)", removed);
		}
		if (!added.isEmpty()) {
			current.addQueueNames(added.toArray(String[]::new));
			consumed.addAll(added);
			log.info("keeping dead letters of {}", added);
		}
	}

	/** The dead-letter queues consumed now. */
	synchronized Set<String> consumedQueues() {
		return Set.copyOf(consumed);
	}

	@Override
	public synchronized void start() {
		if (container != null) {
			return;
		}
		DirectMessageListenerContainer created = new DirectMessageListenerContainer(connectionFactory);
		created.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		created.setPrefetchCount(properties.prefetch());
		created.setConsumersPerQueue(1);
		created.setMessagePropertiesConverter(new DefaultMessagePropertiesConverter(LONG_STRING_LIMIT));
		created.setMessageListener((ChannelAwareMessageListener) (message, channel) -> keepDeadLetter(message,
				channel, message.getMessageProperties().getConsumerQueue()));
		created.afterPropertiesSet();
		created.start();
		container = created;
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
				Thread.ofVirtual().name("dead-letter-discovery").factory());
		executor.scheduleWithFixedDelay(() -> {
			try {
				discover();
			}
			catch (RuntimeException ex) {
				log.warn("dead-letter queue discovery failed", ex);
			}
		}, 0, properties.discoveryInterval().toMillis(), TimeUnit.MILLISECONDS);
		discovery = executor;
	}

	@Override
	public synchronized void stop() {
		if (discovery != null) {
			discovery.shutdownNow();
			discovery = null;
		}
		if (container != null) {
			container.stop();
			container.destroy();
			container = null;
		}
		consumed.clear();
	}

	@Override
	public boolean isRunning() {
		return container != null;
	}

	/** After the platform's consumers, before the web server stops. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}
}
