package io.colony.platform.messaging;

import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.platform.observability.TraceCarrier;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a {@link ColonyCommand} to {@link Destinations#COMMANDS} and waits, without blocking a thread,
 * for its {@link CommandReply} over RabbitMQ direct reply-to.
 */
public final class CommandClient implements DisposableBean {

	private final AsyncRabbitTemplate template;

	private final MessageCodec codec;

	private final Duration timeout;

	private final TraceCarrier traceCarrier;

	public CommandClient(AsyncRabbitTemplate template, MessageCodec codec, TraceCarrier traceCarrier, Duration timeout) {
		this.template = template;
		this.codec = codec;
		this.traceCarrier = traceCarrier;
		this.timeout = timeout;
		this.template.setReceiveTimeout(timeout.toMillis());
		this.template.start();
	}

	/**
	 * @return the reply; fails with {@link CommandUnanswered} when the orchestrator does not answer
	 * within {@code colony.messaging.command-timeout}
	 */
	public CompletableFuture<CommandReply> send(String routingKey, ColonyCommand command) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setMessageId(UUID.randomUUID().toString());
		properties.setType(command.getClass().getSimpleName());
		properties.setTimestamp(new Date());
		properties.setHeader(Headers.TENANT, command.tenant().value());
		// Direct reply-to publishes on the reply container's channel, past the template's instrumentation, so
		// the caller's trace is carried explicitly.
		traceCarrier.producerHeaders(null, "send " + command.getClass().getSimpleName()).forEach(properties::setHeader);
		Message request = new Message(codec.encode(command), properties);
		CompletableFuture<Message> reply;
		try {
			reply = template.sendAndReceive(Destinations.COMMANDS, routingKey, request);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(new CommandUnanswered("could not send command: " + ex.getMessage(), ex));
		}
		return reply.orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).handle((message, error) -> {
			if (error != null) {
				throw new CommandUnanswered(error instanceof TimeoutException
						|| error.getCause() instanceof TimeoutException ? "no reply within " + timeout
								: "command failed: " + error.getMessage(), error);
			}
			return codec.decode(message.getBody(), CommandReply.class);
		});
	}

	@Override
	public void destroy() {
		template.stop();
	}

	/** Nobody answered a command in time; the command may or may not have taken effect. */
	public static class CommandUnanswered extends RuntimeException {

		public CommandUnanswered(String message, Throwable cause) {
			super(message, cause);
		}
	}
}
