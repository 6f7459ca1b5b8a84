package io.colony.credentials.metrics;

import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code colony.credentials.requests.pending}: credential requests waiting for a person's decision, counted every
 * {@code colony.metrics.poll-interval} (a scrape reads the last count, it never queries); NaN while the database
 * cannot be read. Every instance counts the same table: aggregate with {@code max}.
 */
final class PendingRequestsGauge {

	static final String PENDING = "colony.credentials.requests.pending";

	private final AtomicReference<Double> pending = new AtomicReference<>(Double.NaN);

	PendingRequestsGauge(LongSupplier countPending, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		Gauge.builder(PENDING, pending, AtomicReference::get)
			.description("Credential requests waiting for an operator's approval")
			.register(meters);
		poller.every(properties.pollInterval(), "pending credential requests",
				() -> pending.set((double) countPending.getAsLong()), () -> pending.set(Double.NaN));
	}
}
