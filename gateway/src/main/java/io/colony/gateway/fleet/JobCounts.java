package io.colony.gateway.fleet;

import io.colony.contracts.JobStatus;
import io.colony.gateway.fleet.FleetSnapshot.Jobs;
import io.colony.gateway.fleet.PrometheusText.Sample;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jobs by status from the orchestrator's metrics ({@code GET /actuator/prometheus}, gauge {@code colony_jobs_active}
 * with label {@code status}, and {@code colony_jobs_stalled}). The orchestrator has no query API for counts, and its
 * metrics are what the alerts use too. An orchestrator that does not export the gauge gives
 * {@link io.colony.gateway.fleet.Availability#UNKNOWN}, not zeros.
 */
final class JobCounts {

	static final String SOURCE = "orchestrator";

	static final String ACTIVE = "colony_jobs_active";

	static final String STALLED = "colony_jobs_stalled";

	private static final MediaType PROMETHEUS_TEXT = MediaType.parseMediaType("text/plain;version=0.0.4");

	private final WebClient client;

	private final URI metrics;

	JobCounts(WebClient client, URI orchestratorUrl) {
		this.client = client;
		this.metrics = orchestratorUrl.resolve("/actuator/prometheus");
	}

	Mono<Jobs> read() {
		return client.get()
			.uri(metrics)
			.accept(PROMETHEUS_TEXT, MediaType.TEXT_PLAIN)
			.retrieve()
			.bodyToMono(byte[].class)
			.map(body -> jobs(new String(body, StandardCharsets.UTF_8)));
	}

	/** Sums series of the same status (one per orchestrator instance, or per other label). */
	static Jobs jobs(String metricsText) {
		List<Sample> active = PrometheusText.samples(metricsText, ACTIVE);
		if (active.isEmpty()) {
			return Jobs.unknown("the orchestrator does not export " + ACTIVE);
		}
		Map<String, Long> found = new TreeMap<>();
		for (Sample sample : active) {
			String status = sample.labels().get("status");
			if (status != null && !status.isBlank() && Double.isFinite(sample.value())) {
				found.merge(status.toUpperCase(Locale.ROOT), Math.round(sample.value()), Long::sum);
			}
		}
		Map<String, Long> byStatus = new LinkedHashMap<>();
		Arrays.stream(JobStatus.values())
			.map(JobStatus::name)
			.filter(found::containsKey)
			.forEach(status -> byStatus.put(status, found.remove(status)));
		byStatus.putAll(found);
		List<Sample> stalled = PrometheusText.samples(metricsText, STALLED);
		Long stalledJobs = stalled.isEmpty() ? null
				: stalled.stream()
					.filter(sample -> Double.isFinite(sample.value()))
					.mapToLong(sample -> Math.round(sample.value()))
					.sum();
		return new Jobs(Availability.AVAILABLE, null, byStatus, stalledJobs);
	}
}
