package io.colony.orchestrator.metrics;

import io.colony.contracts.JobStatus;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The orchestrator's view of unfinished jobs, counted every {@code colony.metrics.poll-interval} (a scrape never
 * queries; NaN while the database cannot be read):
 * <ul>
 * <li>{@code colony.jobs.active{status}}: jobs {@code ACCEPTED} (held ones included) and {@code RUNNING};</li>
 * <li>{@code colony.jobs.stalled}: unfinished jobs, not held for want of an agent, whose row and tasks have not
 * changed for {@code colony.orchestrator.stall-after}.</li>
 * </ul>
 * Every orchestrator instance counts the same tables: aggregate with {@code max}.
 */
final class JobGauges {

	static final String ACTIVE = "colony.jobs.active";

	static final String STALLED = "colony.jobs.stalled";

	static final List<JobStatus> ACTIVE_STATUSES = List.of(JobStatus.ACCEPTED, JobStatus.RUNNING);

	/** What the database says; one call per poll. */
	interface JobCounts {

		/** Jobs per status, for the statuses in {@link #ACTIVE_STATUSES} that have any. */
		Map<JobStatus, Long> active();

		long stalled(Duration stallAfter);
	}

	private final Map<JobStatus, AtomicReference<Double>> active = new EnumMap<>(JobStatus.class);

	private final AtomicReference<Double> stalled = new AtomicReference<>(Double.NaN);

	JobGauges(JobCounts counts, Duration stallAfter, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		for (JobStatus status : ACTIVE_STATUSES) {
			AtomicReference<Double> count = new AtomicReference<>(Double.NaN);
			active.put(status, count);
			Gauge.builder(ACTIVE, count, AtomicReference::get)
				.description("Unfinished jobs by status")
				.tag("status", status.name())
				.register(meters);
		}
		Gauge.builder(STALLED, stalled, AtomicReference::get)
			.description("Unfinished jobs without any change for colony.orchestrator.stall-after (" + stallAfter + ")")
			.register(meters);
		poller.every(properties.pollInterval(), "active and stalled jobs", () -> {
			Map<JobStatus, Long> now = counts.active();
			long stalledNow = counts.stalled(stallAfter);
			active.forEach((status, count) -> count.set((double) now.getOrDefault(status, 0L)));
			stalled.set((double) stalledNow);
		}, () -> {
			active.values().forEach(count -> count.set(Double.NaN));
			stalled.set(Double.NaN);
		});
	}
}
