package io.colony.orchestrator.deadletter;

import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code colony.dead.letters.open{queue}}: dead letters waiting for an operator, per work queue, counted from table
 * {@code dead_letters} every {@code colony.metrics.poll-interval}. A queue appears with its first dead letter and
 * then stays (0 when everything was replayed or discarded); NaN while the database cannot be read. Every orchestrator
 * instance counts the same table: aggregate with {@code max}. The platform's {@code colony.dead.letters{queue}} (the
 * depth of the {@code .dlq}) now mostly reads 0, since the keeper empties those queues.
 */
final class OpenDeadLetterGauges {

	static final String OPEN = "colony.dead.letters.open";

	private final Map<String, AtomicReference<Double>> open = new ConcurrentHashMap<>();

	private final MeterRegistry meters;

	OpenDeadLetterGauges(Supplier<Map<String, Long>> counts, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		this.meters = meters;
		poller.every(properties.pollInterval(), "open dead letters", () -> {
			Map<String, Long> now = counts.get();
			now.keySet().forEach(this::gauge);
			open.forEach((queue, count) -> count.set((double) now.getOrDefault(queue, 0L)));
		}, () -> open.values().forEach(count -> count.set(Double.NaN)));
	}

	private AtomicReference<Double> gauge(String queue) {
		return open.computeIfAbsent(queue, name -> {
			AtomicReference<Double> count = new AtomicReference<>(Double.NaN);
			Gauge.builder(OPEN, count, AtomicReference::get)
				.description("Dead letters of the queue waiting for an operator to replay or discard them")
				.tag("queue", name)
				.register(meters);
			return count;
		});
	}
}
