package io.colony.benchmarks.bench;

import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job's results say against what was sent: inputs without a result ({@code lost}), results beyond one per
 * input ({@code duplicated}), and each result's latency from the job's acceptance.
 *
 * @param latenciesMillis {@code completedAt - acceptedAt} of each result that has a {@code completedAt}
 */
public record ResultAudit(int results, int lost, int duplicated, int failed, long[] latenciesMillis) {

	public static ResultAudit of(Collection<String> inputIds, List<JsonNode> results, Instant acceptedAt) {
		Set<String> expected = Set.copyOf(inputIds);
		Map<String, Integer> seen = new HashMap<>();
		long[] latencies = new long[results.size()];
		int timed = 0;
		int failed = 0;
		for (JsonNode result : results) {
			seen.merge(result.path("inputId").asString(""), 1, Integer::sum);
			if ("FAILED".equals(result.path("status").asString(""))) {
				failed++;
			}
			Instant completedAt = instant(result.path("completedAt"));
			if (completedAt != null && acceptedAt != null) {
				latencies[timed++] = Duration.between(acceptedAt, completedAt).toMillis();
			}
		}
		int lost = (int) expected.stream().filter(id -> !seen.containsKey(id)).count();
		int duplicated = seen.entrySet()
			.stream()
			.filter(entry -> expected.contains(entry.getKey()))
			.mapToInt(entry -> entry.getValue() - 1)
			.sum();
		return new ResultAudit(results.size(), lost, duplicated, failed, Arrays.copyOf(latencies, timed));
	}

	/** An ISO-8601 instant, or {@code null} when the node is missing or not one. */
	public static Instant instant(JsonNode node) {
		String text = node == null ? "" : node.asString("");
		if (text.isEmpty()) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}
}
