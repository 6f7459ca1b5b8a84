package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BenchReportTests {

	@Test
	void printsOneJsonLineWithTheDocumentedFieldsInOrder() {
		BenchReport report = new BenchReport("scatter-gather", 10_000, 2000, 2, "simulated", 2000, "SUCCEEDED", 12.34567,
				2100, 4900, 0, 0);

		String line = report.toJson(JsonMapper.builder().build());

		assertThat(line).doesNotContain("\n")
			.isEqualTo("{\"benchmark\":\"scatter-gather\",\"tasks\":10000,\"latencyMs\":2000,\"workers\":2,"
					+ "\"llm\":\"simulated\",\"warmupTasks\":2000,\"status\":\"SUCCEEDED\",\"wallSeconds\":12.346,\"tasksPerSecond\":810.0,"
					+ "\"p50TaskLatencyMs\":2100,\"p99TaskLatencyMs\":4900,\"lost\":0,\"duplicated\":0}");
	}
}
