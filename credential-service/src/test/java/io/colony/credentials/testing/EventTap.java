package io.colony.credentials.testing;

import io.colony.contracts.CredentialEvent;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.testing.Await;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Everything the service publishes on {@code colony.credentials}, collected from a queue of the test's own. */
public final class EventTap {

	private final RabbitTemplate rabbit;

	private final String queue;

	private final MessageCodec codec = new MessageCodec();

	private final List<CredentialEvent> seen = new ArrayList<>();

	private EventTap(RabbitTemplate rabbit, String queue) {
		this.rabbit = rabbit;
		this.queue = queue;
	}

	public static EventTap listen(AmqpAdmin admin, RabbitTemplate rabbit) {
		Queue queue = new Queue("test.credential-events", false, false, false);
		admin.declareQueue(queue);
		admin.declareBinding(BindingBuilder.bind(queue)
			.to(new TopicExchange(Destinations.CREDENTIALS))
			.with("credential.#"));
		return new EventTap(rabbit, queue.getName());
	}

	/** Waits for an event of {@code type} matching {@code match}. */
	public <T extends CredentialEvent> T await(Class<T> type, Predicate<T> match) {
		return Await.untilValue(Duration.ofSeconds(15), "a " + type.getSimpleName() + " on " + Destinations.CREDENTIALS,
				() -> {
					drain();
					return seen.stream().filter(type::isInstance).map(type::cast).filter(match).findFirst().orElse(null);
				}, found -> found != null);
	}

	/** Every event of {@code type} matching {@code match} received so far. */
	public <T extends CredentialEvent> List<T> all(Class<T> type, Predicate<T> match) {
		drain();
		return seen.stream().filter(type::isInstance).map(type::cast).filter(match).toList();
	}

	private synchronized void drain() {
		Message message;
		while ((message = rabbit.receive(queue)) != null) {
			seen.add(codec.decode(message.getBody(), CredentialEvent.class));
		}
	}
}
