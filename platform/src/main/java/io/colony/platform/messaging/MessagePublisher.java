package io.colony.platform.messaging;

import io.colony.platform.observability.TraceCarrier;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.time.Duration;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with publisher confirms and mandatory routing. The returned future completes only when the
 * broker confirmed the message to a queue; it fails with {@link PublishFailed} on a nack, when nothing is
 * bound to take the message, or when no confirm arrives within {@code colony.messaging.confirm-timeout}.
 * Callers that must not lose a message act (ack, mark an outbox row sent) only after that.
 */
public final class MessagePublisher {

	private final RabbitTemplate rabbitTemplate;

	private final RabbitTemplate replyTemplate;

	private final MessageCodec codec;

	private final TraceCarrier traceCarrier;

	private final Duration confirmTimeout;

	/**
	 * Confirms arrive on the AMQP connection's own I/O thread. Whatever callers chain onto a publish (acks,
	 * the next publish, which may have to open a channel and wait for the broker's answer on that very
	 * thread) must not run there, so every future this class returns completes on a virtual thread instead.
	 */
	private final Executor completions = Executors.newVirtualThreadPerTaskExecutor();

	/** A publisher that sends replies with the same template (tests and tools that never reply). */
	public MessagePublisher(RabbitTemplate rabbitTemplate, MessageCodec codec, TraceCarrier traceCarrier,
			Duration confirmTimeout) {
		this(rabbitTemplate, rabbitTemplate, codec, traceCarrier, confirmTimeout);
	}

	/**
	 * @param replyTemplate publishes replies to direct reply-to without the mandatory flag: the broker
	 * answers mandatory publishes to {@code amq.rabbitmq.reply-to.*} with a basic.return even when it
	 * delivered them
	 */
	public MessagePublisher(RabbitTemplate rabbitTemplate, RabbitTemplate replyTemplate, MessageCodec codec,
			TraceCarrier traceCarrier, Duration confirmTimeout) {
		this.rabbitTemplate = rabbitTemplate;
		this.replyTemplate = replyTemplate;
		this.codec = codec;
		this.traceCarrier = traceCarrier;
		this.confirmTimeout = confirmTimeout;
	}

	public CompletableFuture<Void> publish(Outgoing outgoing) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setContentEncoding("UTF-8");
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setMessageId(outgoing.messageId().toString());
		properties.setType(outgoing.payload().getClass().getSimpleName());
		properties.setTimestamp(new Date());
		if (outgoing.tenant() != null) {
			properties.setHeader(Headers.TENANT, outgoing.tenant().value());
		}
		if (outgoing.priority() != null) {
			properties.setPriority(outgoing.priority());
		}
		if (outgoing.correlationId() != null) {
			properties.setCorrelationId(outgoing.correlationId());
		}
		Message message = new Message(codec.encode(outgoing.payload()), properties);
		return traceCarrier.inChildSpan(outgoing.traceHeaders(), "publish " + outgoing.exchange(),
				() -> send(rabbitTemplate, outgoing.exchange(), outgoing.routingKey(), message, false));
	}

	/** Publishes a prepared message as it is (used to move messages to dead-letter queues). */
	public CompletableFuture<Void> publishRaw(String exchange, String routingKey, Message message) {
		return send(rabbitTemplate, exchange, routingKey, message, false);
	}

	/**
	 * Sends {@code reply} to the {@code reply-to} of a request. A requester that has gone away is not an
	 * error: the command's effect is already durable, so an unroutable reply counts as delivered.
	 */
	public CompletableFuture<Void> reply(Inbound<?> request, Object reply) {
		String replyTo = request.message().getMessageProperties().getReplyTo();
		if (replyTo == null) {
			return CompletableFuture.completedFuture(null);
		}
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setType(reply.getClass().getSimpleName());
		// A message id lets the broker's return of a reply (direct reply-to answers mandatory publishes with
		// basic.return on some versions) be matched to this publish instead of being logged as orphaned.
		properties.setMessageId(java.util.UUID.randomUUID().toString());
		properties.setCorrelationId(request.message().getMessageProperties().getCorrelationId());
		Message message = new Message(codec.encode(reply), properties);
		return send(replyTemplate, "", replyTo, message, true);
	}

	private CompletableFuture<Void> send(RabbitTemplate template, String exchange, String routingKey, Message message,
			boolean unroutableIsFine) {
		// replies and some dead letters carry no message id, but a correlation needs one to match its confirm
		String messageId = message.getMessageProperties().getMessageId();
		CorrelationData correlation = new CorrelationData(messageId != null ? messageId : UUID.randomUUID().toString());
		try {
			template.send(exchange, routingKey, message, correlation);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(
					new PublishFailed("could not publish to " + exchange + "/" + routingKey + ": " + ex.getMessage(), ex));
		}
		return correlation.getFuture()
			.orTimeout(confirmTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
			.handleAsync((confirm, error) -> {
				if (error != null) {
					String why = error instanceof TimeoutException ? "no confirm within " + confirmTimeout
							: error.getMessage();
					throw new PublishFailed("publish to " + exchange + "/" + routingKey + " failed: " + why, error);
				}
				if (!confirm.ack()) {
					throw new PublishFailed("broker refused message for " + exchange + "/" + routingKey + ": "
							+ confirm.reason());
				}
				if (correlation.getReturned() != null && !unroutableIsFine) {
					throw new PublishFailed("no queue bound for " + exchange + "/" + routingKey + " ("
							+ correlation.getReturned().getReplyText() + ")");
				}
				return null;
			}, completions);
	}
}
