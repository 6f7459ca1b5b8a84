package io.colony.platform.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A few long-lived channels in confirm mode on a connection of their own, each with any number of
 * publishes awaiting their confirm at once. Spring's caching connection factory, by contrast, keeps a
 * confirm channel out of its cache until every confirm on it has arrived, so concurrent publishers end up
 * opening a channel per message; this pipelines instead, which is what lets one process publish thousands
 * of confirmed messages per second.
 *
 * <p>Futures complete on virtual threads, never on the connection's I/O thread: a caller that publishes
 * again from a completion (an ack followed by the next publish that has to reopen a channel) would otherwise
 * wait for an answer only that thread can read.
 */
public final class PublishingChannels implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PublishingChannels.class);

	private final ConnectionFactory factory;

	private final Lane[] lanes;

	private final AtomicInteger next = new AtomicInteger();

	private final ReentrantLock connectionLock = new ReentrantLock();

	private static final Executor COMPLETIONS = Executors.newVirtualThreadPerTaskExecutor();

	private volatile Connection connection;

	private volatile boolean closed;

	public PublishingChannels(ConnectionFactory factory, int channels) {
		this.factory = factory;
		this.lanes = new Lane[Math.max(1, channels)];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = new Lane(i);
		}
	}

	/**
	 * Publishes and returns a future that completes when the broker confirmed the message, or fails with
	 * {@link PublishFailed} on a nack, a closed channel, or — when {@code mandatory} — a return (no queue
	 * bound). Every message must carry a message id (used to match returns).
	 */
	public CompletableFuture<Void> publish(String exchange, String routingKey, boolean mandatory,
			AMQP.BasicProperties properties, byte[] body) {
		if (closed) {
			return CompletableFuture.failedFuture(new PublishFailed("publisher is closed"));
		}
		Lane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
		return lane.publish(exchange, routingKey, mandatory, properties, body);
	}

	private Connection connection() throws IOException, TimeoutException {
		Connection current = connection;
		if (current != null && current.isOpen()) {
			return current;
		}
		connectionLock.lock();
		try {
			current = connection;
			if (current == null || !current.isOpen()) {
				current = factory.newConnection("colony-publisher");
				connection = current;
			}
			return current;
		}
		finally {
			connectionLock.unlock();
		}
	}

	@Override
	public void close() {
		closed = true;
		Connection current = connection;
		if (current != null && current.isOpen()) {
			try {
				current.close(5000);
			}
			catch (IOException | RuntimeException ex) {
				log.debug("closing the publishing connection failed", ex);
			}
		}
	}

	private record Pending(CompletableFuture<Void> future, String exchange, String routingKey, String messageId,
			String[] returned) {
	}

	/** One channel at a time, in confirm mode; publishes are serialised per lane, confirms are not awaited. */
	private final class Lane {

		private final int index;

		private final ReentrantLock lock = new ReentrantLock();

		private Generation current;

		Lane(int index) {
			this.index = index;
		}

		CompletableFuture<Void> publish(String exchange, String routingKey, boolean mandatory,
				AMQP.BasicProperties properties, byte[] body) {
			CompletableFuture<Void> future = new CompletableFuture<>();
			lock.lock();
			try {
				Generation generation = open();
				long sequence = generation.channel().getNextPublishSeqNo();
				Pending pending = new Pending(future, exchange, routingKey, properties.getMessageId(), new String[1]);
				generation.outstanding().put(sequence, pending);
				if (mandatory && pending.messageId() != null) {
					generation.mandatoryByMessageId().put(pending.messageId(), pending);
				}
				generation.channel().basicPublish(exchange, routingKey, mandatory, properties, body);
			}
			catch (IOException | TimeoutException | RuntimeException ex) {
				future.completeExceptionally(new PublishFailed(
						"could not publish to " + exchange + "/" + routingKey + ": " + ex.getMessage(), ex));
			}
			finally {
				lock.unlock();
			}
			return future;
		}

		private Generation open() throws IOException, TimeoutException {
			if (current != null && current.channel().isOpen()) {
				return current;
			}
			Channel created = connection().createChannel();
			if (created == null) {
				throw new IOException("no channel available on the publishing connection");
			}
			created.confirmSelect();
			Generation generation = new Generation(created, new ConcurrentSkipListMap<>(), new ConcurrentHashMap<>());
			created.addConfirmListener((tag, multiple) -> generation.settle(tag, multiple, null),
					(tag, multiple) -> generation.settle(tag, multiple, "broker nacked the message"));
			created.addReturnListener(returned -> {
				String id = returned.getProperties().getMessageId();
				Pending pending = id == null ? null : generation.mandatoryByMessageId().get(id);
				if (pending != null) {
					pending.returned()[0] = returned.getReplyText();
				}
			});
			created.addShutdownListener(cause -> generation.abandon(index, cause));
			current = generation;
			return generation;
		}
	}

	/**
	 * One channel's life: sequence numbers restart with every channel, so its unconfirmed publishes are
	 * tracked here and fail together when it closes. Listeners run on the connection thread and never block.
	 */
	private record Generation(Channel channel, ConcurrentNavigableMap<Long, Pending> outstanding,
			Map<String, Pending> mandatoryByMessageId) {

		void settle(long tag, boolean multiple, String nackReason) {
			Map<Long, Pending> settled = multiple ? outstanding.headMap(tag, true) : single(tag);
			for (Map.Entry<Long, Pending> entry : settled.entrySet()) {
				Pending pending = entry.getValue();
				outstanding.remove(entry.getKey());
				if (pending.messageId() != null) {
					mandatoryByMessageId.remove(pending.messageId(), pending);
				}
				COMPLETIONS.execute(() -> {
					if (nackReason != null) {
						pending.future().completeExceptionally(new PublishFailed(nackReason + " for "
								+ pending.exchange() + "/" + pending.routingKey()));
					}
					else if (pending.returned()[0] != null) {
						pending.future().completeExceptionally(new PublishFailed("no queue bound for "
								+ pending.exchange() + "/" + pending.routingKey() + " (" + pending.returned()[0] + ")"));
					}
					else {
						pending.future().complete(null);
					}
				});
			}
		}

		private Map<Long, Pending> single(long tag) {
			Pending pending = outstanding.get(tag);
			return pending == null ? Map.of() : Map.of(tag, pending);
		}

		void abandon(int index, ShutdownSignalException cause) {
			if (!cause.isInitiatedByApplication()) {
				log.warn("publishing channel {} closed: {}", index, cause.getMessage());
			}
			for (Long tag : outstanding.keySet()) {
				Pending pending = outstanding.remove(tag);
				if (pending != null) {
					COMPLETIONS.execute(() -> pending.future().completeExceptionally(new PublishFailed(
							"channel closed before the broker confirmed " + pending.exchange() + "/"
									+ pending.routingKey() + ": " + cause.getMessage())));
				}
			}
			mandatoryByMessageId.clear();
		}
	}
}
