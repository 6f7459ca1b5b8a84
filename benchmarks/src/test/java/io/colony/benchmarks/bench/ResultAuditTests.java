package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultAuditTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Instant ACCEPTED = Instant.parse("2025-01-01T10:00:00Z");

	@Test
	void countsLostAndDuplicatedInputsAndMeasuresFromAcceptance() {
		List<JsonNode> results = List.of(result("a", "SUCCEEDED", "2025-01-01T10:00:01.500Z"),
				result("b", "SUCCEEDED", "2025-01-01T10:00:02Z"), result("b", "SUCCEEDED", "2025-01-01T10:00:03Z"),
				result("b", "FAILED", "2025-01-01T10:00:04Z"), result("stranger", "SUCCEEDED", null));

		ResultAudit audit = ResultAudit.of(List.of("a", "b", "c", "d"), results, ACCEPTED);

		assertThat(audit.results()).isEqualTo(5);
		assertThat(audit.lost()).isEqualTo(2);
		assertThat(audit.duplicated()).isEqualTo(2);
		assertThat(audit.failed()).isEqualTo(1);
		assertThat(audit.latenciesMillis()).containsExactly(1500, 2000, 3000, 4000);
	}

	@Test
	void aCompleteSetHasNothingLostOrDuplicated() {
		ResultAudit audit = ResultAudit.of(List.of("a", "b"),
				List.of(result("b", "SUCCEEDED", "2025-01-01T10:00:00.010Z"), result("a", "SUCCEEDED", "2025-01-01T10:00:00.020Z")),
				ACCEPTED);

		assertThat(audit.lost()).isZero();
		assertThat(audit.duplicated()).isZero();
		assertThat(audit.latenciesMillis()).containsExactly(10, 20);
	}

	private static JsonNode result(String inputId, String status, String completedAt) {
		var node = json.createObjectNode();
		node.put("inputId", inputId);
		node.put("status", status);
		if (completedAt != null) {
			node.put("completedAt", completedAt);
		}
		return node;
	}
}
