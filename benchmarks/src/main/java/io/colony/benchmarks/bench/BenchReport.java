package io.colony.benchmarks.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The one JSON line a benchmark prints; field order is part of the format (see README.md). */
public record BenchReport(String benchmark, int tasks, long latencyMs, int workers, String llm, int warmupTasks,
		String status, double wallSeconds, long p50TaskLatencyMs, long p99TaskLatencyMs, int lost, int duplicated) {

	public double tasksPerSecond() {
		return wallSeconds <= 0 ? 0 : tasks / wallSeconds;
	}

	public String toJson(JsonMapper json) {
		ObjectNode line = json.createObjectNode();
		line.put("benchmark", benchmark);
		line.put("tasks", tasks);
		line.put("latencyMs", latencyMs);
		line.put("workers", workers);
		line.put("llm", llm);
		line.put("warmupTasks", warmupTasks);
		line.put("status", status);
		line.put("wallSeconds", BigDecimal.valueOf(wallSeconds).setScale(3, RoundingMode.HALF_UP));
		line.put("tasksPerSecond", BigDecimal.valueOf(tasksPerSecond()).setScale(1, RoundingMode.HALF_UP));
		line.put("p50TaskLatencyMs", p50TaskLatencyMs);
		line.put("p99TaskLatencyMs", p99TaskLatencyMs);
		line.put("lost", lost);
		line.put("duplicated", duplicated);
		return json.writeValueAsString(line);
	}
}
