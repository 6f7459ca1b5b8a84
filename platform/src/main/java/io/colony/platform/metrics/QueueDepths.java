package io.colony.platform.metrics;

import io.colony.contracts.Destinations;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Depth and consumer count of the work queues a service consumes, and of their dead-letter queues, as gauges:
 * <ul>
 * <li>{@code colony.queue.messages{queue}}: ready messages, for the work queue and for its {@code .dlq};</li>
 * <li>{@code colony.queue.consumers{queue}}: consumers attached, likewise;</li>
 * <li>{@code colony.dead.letters{queue}}: the depth of the {@code .dlq}, labelled with the work queue it belongs
 * to.</li>
 * </ul>
 * Read with a passive declare per queue every {@code colony.metrics.queue-poll-interval}, never on a message's
 * path; NaN while the broker cannot be asked or the queue does not exist. Every instance of a service reports the
 * same broker-wide numbers: aggregate them with {@code max}, not {@code sum}.
 */
public final class QueueDepths {

	public static final String MESSAGES = "colony.queue.messages";

	public static final String CONSUMERS = "colony.queue.consumers";

	public static final String DEAD_LETTERS = "colony.dead.letters";

	/** Last read numbers of one queue; NaN for unknown. */
	private static final class Reading {

		volatile double messages = Double.NaN;

		volatile double consumers = Double.NaN;

		void unknown() {
			messages = Double.NaN;
			consumers = Double.NaN;
		}
	}

	private final AmqpAdmin admin;

	private final MeterRegistry meters;

	private final Map<String, Reading> readings = new ConcurrentHashMap<>();

	public QueueDepths(AmqpAdmin admin, MeterRegistry meters, MetricsPoller poller, ColonyMetricsProperties properties) {
		this.admin = admin;
		this.meters = meters;
		poller.every(properties.queuePollInterval(), "queue depths", this::poll,
				() -> readings.values().forEach(Reading::unknown));
	}

	/** Exports the work queue {@code queue} and its dead-letter queue; idempotent. */
	public void watch(String queue) {
		String deadLetterQueue = Destinations.deadLetterQueue(queue);
		Reading work = register(queue);
		Reading dead = register(deadLetterQueue);
		if (work != null || dead != null) {
			Gauge.builder(DEAD_LETTERS, readings.get(deadLetterQueue), reading -> reading.messages)
				.description("Messages in the queue's dead-letter queue (" + deadLetterQueue + "): nothing takes them "
						+ "from there but a person")
				.tag("queue", queue)
				.register(meters);
		}
	}

	private Reading register(String queue) {
		Reading reading = new Reading();
		if (readings.putIfAbsent(queue, reading) != null) {
			return null;
		}
		Gauge.builder(MESSAGES, reading, r -> r.messages)
			.description("Messages ready in the queue")
			.tag("queue", queue)
			.register(meters);
		Gauge.builder(CONSUMERS, reading, r -> r.consumers)
			.description("Consumers attached to the queue, every instance's")
			.tag("queue", queue)
			.register(meters);
		return reading;
	}

	/** One passive declare per queue; a queue that does not exist (yet) reads NaN. */
	void poll() {
		for (Map.Entry<String, Reading> entry : readings.entrySet()) {
			QueueInformation information = admin.getQueueInfo(entry.getKey());
			Reading reading = entry.getValue();
			if (information == null) {
				reading.unknown();
			}
			else {
				reading.messages = information.getMessageCount();
				reading.consumers = information.getConsumerCount();
			}
		}
	}
}
