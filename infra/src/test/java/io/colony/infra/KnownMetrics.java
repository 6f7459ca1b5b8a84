package io.colony.infra;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series alerts and dashboards may query: the meters of issue 8's brief ("metric names everyone codes
 * against"), registered here with their Micrometer names, types and tags in a Prometheus registry like the
 * services', so that the names and labels are what {@code /actuator/prometheus} really prints
 * ({@code colony.task.duration} → {@code colony_task_duration_seconds_bucket{le=...}}, counters get
 * {@code _total}), rather than a hand-written translation. Plus Prometheus's own {@code up}, and the labels a
 * scrape adds. A service that renames a meter must change it here too, and the alerts with it.
 */
final class KnownMetrics {

	/** Labels every series gets: the services' common tag and the scrape's target labels. */
	static final Set<String> TARGET_LABELS = Set.of("service", "job", "instance", "app", "namespace", "pod");

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})?\\s");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

	private final Map<String, Set<String>> labelsBySeries;

	private KnownMetrics(Map<String, Set<String>> labelsBySeries) {
		this.labelsBySeries = labelsBySeries;
	}

	static KnownMetrics fromBrief() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		registry.config().commonTags("service", "any");
		for (String name : new String[] { "colony.queue.messages", "colony.queue.consumers", "colony.dead.letters",
				"colony.dead.letters.open" }) {
			Gauge.builder(name, () -> 1).tag("queue", "agent.summarizer").register(registry);
		}
		Gauge.builder("colony.worker.tasks.in.flight", () -> 1).register(registry);
		Timer.builder("colony.task.duration")
			.tags("agent_type", "summarizer", "outcome", "succeeded")
			.publishPercentileHistogram()
			.register(registry)
			.record(Duration.ofMillis(200));
		Timer.builder("colony.llm.call.duration")
			.tags("provider", "openai", "model", "gpt-4o-mini", "outcome", "succeeded")
			.publishPercentileHistogram()
			.register(registry)
			.record(Duration.ofMillis(200));
		Counter.builder("colony.llm.tokens")
			.tags("agent_type", "summarizer", "tenant", "demo", "direction", "input")
			.register(registry)
			.increment();
		Counter.builder("colony.llm.cost.usd").tags("agent_type", "summarizer", "tenant", "demo").register(registry).increment();
		Gauge.builder("colony.llm.circuit.open", () -> 0).tag("provider", "openai").register(registry);
		Gauge.builder("colony.credentials.requests.pending", () -> 0).register(registry);
		Gauge.builder("colony.registry.agents", () -> 1).tag("capability", "summarizer").register(registry);
		Gauge.builder("colony.jobs.active", () -> 1).tag("status", "RUNNING").register(registry);
		Gauge.builder("colony.jobs.stalled", () -> 0).register(registry);
		Counter.builder("colony.gateway.rate.limited").tag("tenant", "demo").register(registry).increment();

		Map<String, Set<String>> labelsBySeries = new TreeMap<>();
		for (String line : registry.scrape().split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.find()) {
				continue;
			}
			Set<String> labels = labelsBySeries.computeIfAbsent(sample.group(1), name -> new TreeSet<>(TARGET_LABELS));
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.add(label.group(1));
				}
			}
		}
		labelsBySeries.put("up", new TreeSet<>(TARGET_LABELS));
		return new KnownMetrics(labelsBySeries);
	}

	Set<String> seriesNames() {
		return labelsBySeries.keySet();
	}

	/** Labels of a series; empty for an unknown one. */
	Set<String> labels(String series) {
		return labelsBySeries.getOrDefault(series, Set.of());
	}

	Set<String> allLabels() {
		Set<String> all = new TreeSet<>();
		labelsBySeries.values().forEach(all::addAll);
		return all;
	}
}
