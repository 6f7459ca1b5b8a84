package io.colony.gateway.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tolerant reader of Prometheus' text exposition format (what {@code /actuator/prometheus} serves): one sample per
 * line, {@code name{label="value",...} value [timestamp]}, {@code #} comments. A line it cannot read is skipped, not
 * an error, so that a metric it does not need never hides the ones it does.
 */
final class PrometheusText {

	record Sample(String name, Map<String, String> labels, double value) {
	}

	private PrometheusText() {
	}

	/** The samples of metric {@code name} (exactly; not its {@code _total}/{@code _bucket} relatives). */
	static List<Sample> samples(String text, String name) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\\r?\\n")) {
			String trimmed = line.strip();
			if (trimmed.startsWith(name) && !trimmed.startsWith("#")) {
				Sample sample = parse(trimmed);
				if (sample != null && sample.name().equals(name)) {
					samples.add(sample);
				}
			}
		}
		return samples;
	}

	/** One sample line, or {@code null} when it is not one. */
	static Sample parse(String line) {
		int at = 0;
		while (at < line.length() && isNameChar(line.charAt(at), at == 0)) {
			at++;
		}
		if (at == 0) {
			return null;
		}
		String name = line.substring(0, at);
		Map<String, String> labels = new LinkedHashMap<>();
		if (at < line.length() && line.charAt(at) == '{') {
			at = labels(line, at + 1, labels);
			if (at < 0) {
				return null;
			}
		}
		String[] rest = line.substring(at).strip().split("\\s+");
		if (rest.length == 0 || rest[0].isEmpty()) {
			return null;
		}
		try {
			double value = Double.parseDouble(rest[0].replace("Inf", "Infinity"));
			return new Sample(name, Map.copyOf(labels), value);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Reads {@code label="value",...}} from {@code at}; the index after the closing brace, or -1. */
	private static int labels(String line, int at, Map<String, String> labels) {
		while (true) {
			while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == ',')) {
				at++;
			}
			if (at >= line.length()) {
				return -1;
			}
			if (line.charAt(at) == '}') {
				return at + 1;
			}
			int equals = line.indexOf('=', at);
			if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
				return -1;
			}
			String label = line.substring(at, equals).strip();
			StringBuilder value = new StringBuilder();
			int i = equals + 2;
			for (; i < line.length() && line.charAt(i) != '"'; i++) {
				char c = line.charAt(i);
				if (c == '\\' && i + 1 < line.length()) {
					char escaped = line.charAt(++i);
					value.append(escaped == 'n' ? '\n' : escaped);
				}
				else {
					value.append(c);
				}
			}
			if (i >= line.length()) {
				return -1;
			}
			labels.put(label, value.toString());
			at = i + 1;
		}
	}

	private static boolean isNameChar(char c, boolean first) {
		return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
	}
}
