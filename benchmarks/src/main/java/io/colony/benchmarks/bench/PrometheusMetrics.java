package io.colony.benchmarks.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the figures a benchmark needs from a service's {@code /actuator/prometheus} text: gauges and counters summed
 * over their label sets, and quantiles of a timer, either as Micrometer published them ({@code quantile="0.99"}) or
 * from its histogram buckets ({@code _bucket{le="…"}}, merged over label sets, the upper bound of the bucket holding
 * the quantile: a conservative figure).
 */
final class PrometheusMetrics {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private record Sample(String name, Map<String, String> labels, double value) {
	}

	private final List<Sample> samples;

	private PrometheusMetrics(List<Sample> samples) {
		this.samples = samples;
	}

	static PrometheusMetrics parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			Matcher matcher = SAMPLE.matcher(line.trim());
			if (!matcher.find()) {
				continue;
			}
			Map<String, String> labels = new TreeMap<>();
			if (matcher.group(3) != null) {
				Matcher label = LABEL.matcher(matcher.group(3));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			try {
				samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(4))));
			}
			catch (NumberFormatException ex) {
				// not a sample line this reader understands
			}
		}
		return new PrometheusMetrics(samples);
	}

	/** The sum of every sample named {@code name} whose labels include {@code labels}; empty when there is none. */
	OptionalDouble sum(String name, Map<String, String> labels) {
		double total = 0;
		boolean found = false;
		for (Sample sample : samples) {
			if (sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet())) {
				total += sample.value();
				found = true;
			}
		}
		return found ? OptionalDouble.of(total) : OptionalDouble.empty();
	}

	/**
	 * The {@code q} quantile of histogram {@code base} over what it recorded between {@code before} and this scrape:
	 * the upper bound of the bucket holding it, from the buckets' differences (a conservative figure, as precise as
	 * the buckets are: Micrometer's percentile histogram has about ten per decade).
	 */
	OptionalDouble quantileSince(PrometheusMetrics before, String base, double q) {
		TreeMap<Double, Double> now = buckets(base);
		TreeMap<Double, Double> then = before.buckets(base);
		TreeMap<Double, Double> cumulative = new TreeMap<>();
		now.forEach((bound, count) -> cumulative.put(bound, count - then.getOrDefault(bound, 0.0)));
		return quantileOf(cumulative, q);
	}

	private TreeMap<Double, Double> buckets(String base) {
		TreeMap<Double, Double> cumulative = new TreeMap<>();
		for (Sample sample : samples) {
			if (sample.name().equals(base + "_bucket") && sample.labels().containsKey("le")) {
				String le = sample.labels().get("le");
				double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
				cumulative.merge(bound, sample.value(), Double::sum);
			}
		}
		return cumulative;
	}

	private static OptionalDouble quantileOf(TreeMap<Double, Double> cumulative, double q) {
		if (cumulative.isEmpty()) {
			return OptionalDouble.empty();
		}
		double count = cumulative.lastEntry().getValue();
		if (count <= 0) {
			return OptionalDouble.empty();
		}
		double rank = Math.ceil(q * count);
		for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
			if (bucket.getValue() >= rank) {
				return OptionalDouble.of(bucket.getKey());
			}
		}
		return OptionalDouble.of(Double.POSITIVE_INFINITY);
	}

	/**
	 * The {@code q} quantile of timer {@code base} (e.g. {@code colony_residents_activation_seconds}) in its unit:
	 * the published {@code quantile} when there is one (the largest over label sets), else from the buckets.
	 */
	OptionalDouble quantile(String base, double q) {
		OptionalDouble published = samples.stream()
			.filter(sample -> sample.name().equals(base) && sample.labels().containsKey("quantile")
					&& Double.parseDouble(sample.labels().get("quantile")) == q)
			.mapToDouble(Sample::value)
			.filter(value -> !Double.isNaN(value))
			.max();
		if (published.isPresent()) {
			return published;
		}
		return quantileOf(buckets(base), q);
	}
}
