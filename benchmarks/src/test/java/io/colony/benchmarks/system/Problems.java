package io.colony.benchmarks.system;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on RFC 9457 problem documents. */
final class Problems {

	private static final JsonMapper json = JsonMapper.builder().build();

	private Problems() {
	}

	/** Asserts {@code response} is a problem document with {@code status}; returns the document. */
	static JsonNode assertProblem(HttpResponse<String> response, int status, String what) {
		assertThat(response.statusCode()).as("%s: status (body %s)", what, response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type").orElse(""))
			.as("%s: content type", what)
			.startsWith("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt(0)).as("%s: problem status", what).isEqualTo(status);
		assertThat(problem.path("title").asString("") + problem.path("detail").asString(""))
			.as("%s: problem says what is wrong", what)
			.isNotBlank();
		return problem;
	}
}
