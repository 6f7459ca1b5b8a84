package io.colony.platform.messaging;

import com.rabbitmq.client.Channel;
import io.colony.platform.metrics.QueueDepths;
import io.colony.platform.observability.CorrelationIds;
import io.colony.platform.observability.TraceCarrier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates and runs the consumers of a service. Every consumer acknowledges manually: a message is acked
 * only after its handler succeeded (and whatever it published was confirmed), redelivered when the
 * handler failed, and dead-lettered with its reason when it cannot be decoded, when the handler reports
 * a {@link PermanentFailure}, or on its last allowed delivery ({@code colony.messaging.delivery-limit}).
 *
 * <p>The work queue (with its dead-letter queue) is declared before its consumer starts, so a service
 * never depends on another having started first, and its depth and consumers are exported as metrics
 * ({@link QueueDepths}).
 *
 * <p>A message is handled in a consumer span continuing the publisher's trace, tagged with the job, task,
 * tenant and agent it concerns ({@link CorrelationIds}), and with those ids in the MDC while the handler runs
 * on the consumer's thread.
 */
public final class ColonyConsumers implements SmartLifecycle, ApplicationContextAware {

	private static final Logger log = LoggerFactory.getLogger(ColonyConsumers.class);

	private final ConnectionFactory connectionFactory;

	private final AmqpAdmin admin;

	private final MessageCodec codec;

	private final DeadLetters deadLetters;

	private final TraceCarrier traceCarrier;

	private final MeterRegistry meters;

	private final QueueDepths queueDepths;

	private final int deliveryLimit;

	private final List<AbstractMessageListenerContainer> containers = new CopyOnWriteArrayList<>();

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final AtomicBoolean exchangesDeclared = new AtomicBoolean();

	/** Queues without a dead-letter queue: what cannot be handled there is dropped, not dead-lettered. */
	private final Set<String> privateQueues = ConcurrentHashMap.newKeySet();

	private ApplicationContext applicationContext;

	private volatile boolean running;

	/** @param queueDepths where consumed queues are exported; {@code null} for nowhere */
	public ColonyConsumers(ConnectionFactory connectionFactory, AmqpAdmin admin, MessageCodec codec,
			DeadLetters deadLetters, TraceCarrier traceCarrier, MeterRegistry meters, QueueDepths queueDepths,
			int deliveryLimit) {
		this.connectionFactory = connectionFactory;
		this.admin = admin;
		this.codec = codec;
		this.deadLetters = deadLetters;
		this.traceCarrier = traceCarrier;
		this.meters = meters;
		this.queueDepths = queueDepths;
		this.deliveryLimit = deliveryLimit;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
		this.applicationContext = applicationContext;
	}

	/**
	 * Declares a work queue of {@link ColonyTopology} (exchanges included, once per process: the admin
	 * re-declares them on every new connection) on the broker.
	 */
	public void declare(ColonyTopology.WorkQueue workQueue) {
		declareExchangesOnce();
		for (Declarable declarable : ColonyTopology.declarables(workQueue, deliveryLimit).getDeclarables()) {
			declareOne(declarable);
		}
	}

	private void declareExchangesOnce() {
		if (exchangesDeclared.compareAndSet(false, true)) {
			ColonyTopology.exchanges().getDeclarables().forEach(this::declareOne);
		}
	}

	private void declareOne(Declarable declarable) {
		switch (declarable) {
			case org.springframework.amqp.core.Exchange exchange -> admin.declareExchange(exchange);
			case Queue queue -> admin.declareQueue(queue);
			case org.springframework.amqp.core.Binding binding -> admin.declareBinding(binding);
			default -> throw new IllegalStateException("unexpected declarable " + declarable);
		}
	}

	/**
	 * Consumes {@code workQueue} one message at a time per handler call, with up to {@code prefetch}
	 * unacknowledged messages per consumer. An asynchronous handler returns at once, so one consumer holds
	 * up to {@code prefetch} messages in flight without a thread each.
	 */
	public <T> void consume(ColonyTopology.WorkQueue workQueue, Class<T> type, int prefetch, int consumers,
			MessageHandler<T> handler) {
		declare(workQueue);
		watch(workQueue);
		consumeOneByOne(workQueue.name(), type, prefetch, consumers, handler);
	}

	/**
	 * Consumes {@code workQueue} in batches of up to {@code batchSize}, waiting at most {@code batchWait} to
	 * fill one. The whole batch is acknowledged after the handler returns.
	 */
	public <T> void consumeBatches(ColonyTopology.WorkQueue workQueue, Class<T> type, int batchSize,
			Duration batchWait, BatchHandler<T> handler) {
		declare(workQueue);
		watch(workQueue);
		String queue = workQueue.name();
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
		container.setQueueNames(queue);
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		container.setConsumerBatchEnabled(true);
		container.setBatchSize(batchSize);
		container.setPrefetchCount(batchSize * 2);
		container.setReceiveTimeout(Math.max(1, batchWait.toMillis()));
		container.setMessageListener(new ChannelAwareBatchMessageListener() {
			@Override
			public void onMessageBatch(List<Message> messages, Channel channel) {
				handleBatch(messages, deliveredOn(channel), queue, type, handler);
			}
		});
		register(container);
	}

	private void watch(ColonyTopology.WorkQueue workQueue) {
		if (queueDepths != null) {
			queueDepths.watch(workQueue.name());
		}
	}

	/**
	 * Consumes a private queue made by {@link ColonyTopology#privateQueue}, declaring it first because the
	 * consumer needs it at once (register the same {@code Declarables} as a bean so that the admin declares it
	 * again on every new connection).
	 */
	public <T> void consumePrivate(Declarables privateQueue, Class<T> type, MessageHandler<T> handler) {
		declareExchangesOnce();
		privateQueue.getDeclarables().forEach(this::declareOne);
		String queue = privateQueue.getDeclarablesByType(Queue.class).getFirst().getName();
		privateQueues.add(queue);
		consumeOneByOne(queue, type, 250, 1, handler);
	}

	private <T> void consumeOneByOne(String queue, Class<T> type, int prefetch, int consumers,
			MessageHandler<T> handler) {
		DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
		container.setQueueNames(queue);
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		container.setPrefetchCount(prefetch);
		container.setConsumersPerQueue(consumers);
		container.setMessageListener((ChannelAwareMessageListener) (message, proxy) -> {
			Channel channel = deliveredOn(proxy);
			Inbound<T> inbound = decodeOrDeadLetter(message, channel, queue, type);
			if (inbound != null) {
				dispatch(inbound, channel, queue, handler);
			}
		});
		register(container);
	}

	/**
	 * The broker channel the messages came on. A listener is handed the connection factory's channel proxy, which
	 * opens a new channel when called after its channel closed: an acknowledgement sent that way names a delivery tag
	 * the new channel never had, and the broker closes it with an error. Settling on the channel itself fails quietly
	 * instead (the broker has already put the messages back), and its {@code isOpen} stays false once it closed.
	 */
	private static Channel deliveredOn(Channel channel) {
		return channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel;
	}

	private void register(AbstractMessageListenerContainer container) {
		if (applicationContext != null) {
			container.setApplicationContext(applicationContext);
		}
		container.afterPropertiesSet();
		containers.add(container);
		if (running) {
			container.start();
		}
	}

	private <T> Inbound<T> decodeOrDeadLetter(Message message, Channel channel, String queue, Class<T> type) {
		long tag = message.getMessageProperties().getDeliveryTag();
		int attempt = attemptOf(message);
		try {
			UUID messageId = messageIdOf(message);
			T payload = codec.decode(message.getBody(), type);
			return new Inbound<>(payload, message, messageId, attempt,
					traceCarrier.extractFields(message.getMessageProperties().getHeaders()), channel::isOpen);
		}
		catch (UndecodableMessage ex) {
			deadLetterThenAck(message, channel, tag, queue, ex.getMessage(), attempt);
			return null;
		}
	}

	private <T> void dispatch(Inbound<T> inbound, Channel channel, String queue, MessageHandler<T> handler) {
		long tag = inbound.message().getMessageProperties().getDeliveryTag();
		CorrelationIds ids = CorrelationIds.of(inbound.payload(), inbound.tenant().orElse(null));
		// The handler runs in a span continuing the publisher's trace, so that whatever it publishes or writes
		// to an outbox synchronously stays in the same trace; the span lasts until the handler's stage completes.
		// This replaces the listener container's per-message Observation, which costs several times more (timers,
		// scopes, MDC) at thousands per second.
		CompletionStage<?> outcome = traceCarrier.inConsumerSpan(inbound.traceHeaders(), "consume " + queue,
				ids.tags(), () -> {
					try (CorrelationIds.MdcScope ignored = ids.inMdc()) {
						return handler.handle(inbound);
					}
					catch (Exception ex) {
						return CompletableFuture.failedFuture(ex);
					}
				});
		outcome.whenComplete((ignored, error) -> {
			if (error == null) {
				ack(channel, tag, queue);
			}
			else {
				fail(inbound.message(), channel, tag, queue, unwrap(error), inbound.attempt());
			}
		});
	}

	private <T> void handleBatch(List<Message> messages, Channel channel, String queue, Class<T> type,
			BatchHandler<T> handler) {
		List<Inbound<T>> decoded = new ArrayList<>(messages.size());
		for (Message message : messages) {
			Inbound<T> inbound = decodeOrDeadLetter(message, channel, queue, type);
			if (inbound != null) {
				decoded.add(inbound);
			}
		}
		if (decoded.isEmpty()) {
			return;
		}
		for (Inbound<T> inbound : decoded) {
			// A batch mixes jobs, so its handling cannot sit in each job's trace; a short receive span per
			// message links every one of them to its trace and says when it was taken.
			traceCarrier.inConsumerSpan(inbound.traceHeaders(), "receive " + queue,
					CorrelationIds.of(inbound.payload(), inbound.tenant().orElse(null)).tags(),
					() -> CompletableFuture.completedFuture(null));
		}
		try {
			handler.handle(decoded);
			// One ack for the whole batch: every earlier delivery on this channel is either in this batch or
			// was already acked, nacked or dead-lettered one by one above.
			long lastTag = decoded.getLast().message().getMessageProperties().getDeliveryTag();
			ackUpTo(channel, lastTag, queue, decoded.size());
		}
		catch (Exception batchError) {
			if (decoded.size() == 1) {
				Inbound<T> only = decoded.getFirst();
				fail(only.message(), channel, only.message().getMessageProperties().getDeliveryTag(), queue,
						batchError, only.attempt());
				return;
			}
			log.warn("batch of {} from {} failed ({}); retrying its messages one by one", decoded.size(), queue,
					batchError.toString());
			for (Inbound<T> inbound : decoded) {
				long tag = inbound.message().getMessageProperties().getDeliveryTag();
				try {
					handler.handle(List.of(inbound));
					ack(channel, tag, queue);
				}
				catch (Exception single) {
					fail(inbound.message(), channel, tag, queue, single, inbound.attempt());
				}
			}
		}
	}

	private void fail(Message message, Channel channel, long tag, String queue, Throwable error, int attempt) {
		boolean permanent = error instanceof PermanentFailure || error instanceof UndecodableMessage;
		if (permanent || attempt >= deliveryLimit) {
			String reason = permanent ? error.getMessage()
					: "failed on delivery " + attempt + " of " + deliveryLimit + ": " + error;
			deadLetterThenAck(message, channel, tag, queue, reason, attempt);
			return;
		}
		log.warn("message {} from {} failed on delivery {} of {}, will be redelivered: {}",
				message.getMessageProperties().getMessageId(), queue, attempt, deliveryLimit, error.toString());
		counter(queue, "redelivered").increment();
		try {
			channel.basicNack(tag, false, true);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("nack of {} failed; the broker redelivers when the channel closes", tag, ex);
		}
	}

	private void deadLetterThenAck(Message message, Channel channel, long tag, String queue, String reason,
			int deliveries) {
		if (privateQueues.contains(queue)) {
			// A private queue holds this process's copy of an event whose original sits in the work queues;
			// there is no dead-letter queue to move it to, and requeueing it would loop for ever.
			log.warn("dropping message {} from private queue {}: {}", message.getMessageProperties().getMessageId(),
					queue, reason);
			ack(channel, tag, queue);
			return;
		}
		log.warn("dead-lettering message {} from {} after {} deliveries: {}",
				message.getMessageProperties().getMessageId(), queue, deliveries, reason);
		try {
			deadLetters.deadLetter(message, queue, reason, deliveries).get();
			counter(queue, "dead-lettered").increment();
			channel.basicAck(tag, false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			requeue(channel, tag);
		}
		catch (ExecutionException | IOException | RuntimeException ex) {
			log.error("could not dead-letter message {} from {}; requeueing it", message.getMessageProperties()
				.getMessageId(), queue, ex);
			requeue(channel, tag);
		}
	}

	private void ack(Channel channel, long tag, String queue) {
		try {
			channel.basicAck(tag, false);
			counter(queue, "acked").increment();
		}
		catch (IOException | RuntimeException ex) {
			log.debug("ack of {} on {} failed; the message will be redelivered", tag, queue, ex);
		}
	}

	private void ackUpTo(Channel channel, long lastTag, String queue, int count) {
		try {
			channel.basicAck(lastTag, true);
			counter(queue, "acked").increment(count);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("ack up to {} on {} failed; the messages will be redelivered", lastTag, queue, ex);
		}
	}

	private static void requeue(Channel channel, long tag) {
		try {
			channel.basicNack(tag, false, true);
		}
		catch (IOException | RuntimeException ignored) {
			// the channel is gone; the broker requeues every unacknowledged message with it
		}
	}

	private Counter counter(String queue, String outcome) {
		return counters.computeIfAbsent(queue + '\u0000' + outcome, key -> Counter.builder("colony.messages.consumed")
			.tag("queue", queue)
			.tag("outcome", outcome)
			.register(meters));
	}

	private static UUID messageIdOf(Message message) {
		String id = message.getMessageProperties().getMessageId();
		if (id == null) {
			throw new UndecodableMessage("message has no message-id property", null);
		}
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new UndecodableMessage("message-id '" + id + "' is not a UUID", ex);
		}
	}

	private static int attemptOf(Message message) {
		Object count = message.getMessageProperties().getHeaders().get(Headers.DELIVERY_COUNT);
		if (count instanceof Number number) {
			return number.intValue() + 1;
		}
		return 1;
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	@Override
	public void start() {
		running = true;
		containers.forEach(AbstractMessageListenerContainer::start);
	}

	@Override
	public void stop() {
		running = false;
		containers.forEach(AbstractMessageListenerContainer::stop);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stop consuming before other beans (publishers, data sources) go away; start after them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 100;
	}
}
