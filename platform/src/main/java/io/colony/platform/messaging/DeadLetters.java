package io.colony.platform.messaging;

import io.colony.contracts.Destinations;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Moves a message a consumer gave up on into its queue's {@code .dlq}, through {@link Destinations#DLX},
 * with the reason attached as headers. The original is acknowledged only after this is confirmed.
 */
public final class DeadLetters {

	private static final int MAX_REASON = 1000;

	private final MessagePublisher publisher;

	public DeadLetters(MessagePublisher publisher) {
		this.publisher = publisher;
	}

	public CompletableFuture<Void> deadLetter(Message original, String queue, String reason, int deliveries) {
		MessageProperties properties = original.getMessageProperties();
		MessageProperties copy = new MessageProperties();
		copy.setContentType(properties.getContentType());
		copy.setContentEncoding(properties.getContentEncoding());
		copy.setDeliveryMode(properties.getDeliveryMode());
		copy.setMessageId(properties.getMessageId());
		copy.setType(properties.getType());
		copy.setTimestamp(properties.getTimestamp());
		copy.setCorrelationId(properties.getCorrelationId());
		properties.getHeaders().forEach(copy::setHeader);
		copy.setHeader(Headers.DEATH_REASON, truncate(reason));
		copy.setHeader(Headers.DEATH_QUEUE, queue);
		copy.setHeader(Headers.DEATH_DELIVERIES, deliveries);
		copy.setHeader(Headers.DEATH_AT, Instant.now().toString());
		return publisher.publishRaw(Destinations.DLX, queue, new Message(original.getBody(), copy));
	}

	private static String truncate(String reason) {
		String text = reason == null ? "unknown" : reason;
		return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "…";
	}
}
