package io.colony.platform.messaging;

import com.rabbitmq.client.AMQP;
import io.colony.platform.observability.TraceCarrier;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with publisher confirms and mandatory routing. The returned future completes only when the
 * broker confirmed the message to a queue; it fails with {@link PublishFailed} on a nack, when nothing is
 * bound to take the message, or when no confirm arrives within {@code colony.messaging.confirm-timeout}.
 * Callers that must not lose a message act (ack, mark an outbox row sent) only after that. Futures never
 * complete on the AMQP connection's thread.
 */
public final class MessagePublisher {

	private final PublishingChannels channels;

	private final MessageCodec codec;

	private final TraceCarrier traceCarrier;

	private final Duration confirmTimeout;

	private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	public MessagePublisher(PublishingChannels channels, MessageCodec codec, TraceCarrier traceCarrier,
			Duration confirmTimeout) {
		this.channels = channels;
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
		traceCarrier.producerHeaders(outgoing.traceHeaders(), "publish " + outgoing.exchange())
			.forEach(properties::setHeader);
		return send(outgoing.exchange(), outgoing.routingKey(), codec.encode(outgoing.payload()), properties, true);
	}

	/** Publishes a prepared message as it is (outbox rows, dead letters). */
	public CompletableFuture<Void> publishRaw(String exchange, String routingKey, Message message) {
		MessageProperties properties = message.getMessageProperties();
		if (properties.getMessageId() == null) {
			properties.setMessageId(UUID.randomUUID().toString());
		}
		return send(exchange, routingKey, message.getBody(), properties, true);
	}

	/**
	 * Sends {@code reply} to the {@code reply-to} of a request, without the mandatory flag: the broker
	 * answers mandatory publishes to direct reply-to with a return even when it delivered them, and a
	 * requester that has gone away is not an error — the command's effect is already durable.
	 */
	public CompletableFuture<Void> reply(Inbound<?> request, Object reply) {
		String replyTo = request.message().getMessageProperties().getReplyTo();
		if (replyTo == null) {
			return CompletableFuture.completedFuture(null);
		}
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setType(reply.getClass().getSimpleName());
		properties.setMessageId(UUID.randomUUID().toString());
		properties.setCorrelationId(request.message().getMessageProperties().getCorrelationId());
		return send("", replyTo, codec.encode(reply), properties, false);
	}

	private CompletableFuture<Void> send(String exchange, String routingKey, byte[] body, MessageProperties properties,
			boolean mandatory) {
		AMQP.BasicProperties amqp = converter.fromMessageProperties(properties, StandardCharsets.UTF_8.name());
		return channels.publish(exchange, routingKey, mandatory, amqp, body)
			.orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.exceptionallyCompose(error -> CompletableFuture.failedFuture(error instanceof TimeoutException
					? new PublishFailed("publish to " + exchange + "/" + routingKey + " failed: no confirm within "
							+ confirmTimeout)
					: error));
	}
}
