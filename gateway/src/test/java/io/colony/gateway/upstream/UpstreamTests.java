package io.colony.gateway.upstream;

import io.colony.gateway.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamTests {

	private final Upstream upstream = new Upstream("credential service", WebClient.create());

	@Test
	void anUpstreamProblemDocumentReachesTheClientAsWritten() {
		ProblemException problem = failure(HttpStatus.CONFLICT, "application/problem+json", """
				{"type":"urn:colony:problem:already-decided","title":"Already decided","status":409,
				 "detail":"request 7 was granted by alice","instance":"/internal/path","requestId":"7",
				 "trace":"at Secret.internal(Secret.java:1)"}""");

		assertThat(problem.status().value()).isEqualTo(409);
		assertThat(problem.problem()).isEqualTo("already-decided");
		assertThat(problem.title()).isEqualTo("Already decided");
		assertThat(problem.detail()).isEqualTo("request 7 was granted by alice");
		assertThat(problem.properties()).containsEntry("requestId", "7")
			.doesNotContainKeys("trace", "instance", "status", "type");
	}

	@Test
	void extensionMembersKeepTheirJsonShape() {
		ProblemException problem = failure(HttpStatus.UNPROCESSABLE_CONTENT, "application/problem+json;charset=UTF-8", """
				{"type":"urn:colony:problem:scope-not-requested","title":"Scope not requested","status":422,
				 "detail":"billing:write was not asked for","notRequested":["billing:write"]}""");

		assertThat(problem.status().value()).isEqualTo(422);
		assertThat(problem.problem()).isEqualTo("scope-not-requested");
		assertThat(problem.properties().get("notRequested")).asInstanceOf(
				org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactly("billing:write");
	}

	@Test
	void aForeignTypeOrAMissingDetailFallsBackMemberByMember() {
		ProblemException problem = failure(HttpStatus.NOT_FOUND, "application/problem+json",
				"{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");

		assertThat(problem.status().value()).isEqualTo(404);
		assertThat(problem.problem()).isEqualTo("not-found");
		assertThat(problem.title()).isEqualTo("Not Found");
		assertThat(problem.detail()).isEqualTo("credential service refused the query (404)");

		ProblemException oddSlug = failure(HttpStatus.CONFLICT, "application/problem+json",
				"{\"type\":\"urn:colony:problem:../../evil\",\"detail\":\"d\"}");
		assertThat(oddSlug.problem()).isEqualTo("conflict");
		assertThat(oddSlug.detail()).isEqualTo("d");
	}

	@Test
	void whatIsNotAProblemDocumentGetsTheGenericRefusal() {
		assertGeneric(failure(HttpStatus.BAD_REQUEST, "application/json", "{\"detail\":\"plain json\"}"), 400);
		assertGeneric(failure(HttpStatus.BAD_REQUEST, "text/plain", "detail: nope"), 400);
		assertGeneric(failure(HttpStatus.CONFLICT, "application/problem+json", "{\"detail\":"), 409);
		assertGeneric(failure(HttpStatus.CONFLICT, "application/problem+json", "[\"detail\"]"), 409);
		assertGeneric(failure(HttpStatus.CONFLICT, "application/problem+json", ""), 409);
	}

	@Test
	void anOversizeProblemDocumentIsNotRelayed() {
		String huge = "{\"type\":\"urn:colony:problem:already-decided\",\"detail\":\"" + "x".repeat(Upstream.MAX_PROBLEM_BYTES)
				+ "\"}";
		assertGeneric(failure(HttpStatus.CONFLICT, "application/problem+json", huge), 409);

		ClientResponse declaredHuge = ClientResponse.create(HttpStatus.CONFLICT)
			.header(HttpHeaders.CONTENT_TYPE, "application/problem+json")
			.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(Upstream.MAX_PROBLEM_BYTES + 1))
			.body("{\"type\":\"urn:colony:problem:already-decided\",\"detail\":\"short\"}")
			.build();
		assertGeneric((ProblemException) upstream.failure(declaredHuge).block(Duration.ofSeconds(5)), 409);
	}

	@Test
	void anUpstreamFailureSaysNothingOfTheUpstreamsBody() {
		ProblemException problem = failure(HttpStatus.INTERNAL_SERVER_ERROR, "application/problem+json",
				"{\"type\":\"urn:colony:problem:db\",\"detail\":\"password hunter2 rejected by db-7\"}");

		assertThat(problem.status().value()).isEqualTo(502);
		assertThat(problem.problem()).isEqualTo("upstream-failed");
		assertThat(problem.detail()).isEqualTo("credential service failed to answer (500)").doesNotContain("hunter2");
		assertThat(problem.properties()).isEmpty();
	}

	private ProblemException failure(HttpStatus status, String contentType, String body) {
		ClientResponse response = ClientResponse.create(status)
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.body(body)
			.build();
		return (ProblemException) upstream.failure(response).block(Duration.ofSeconds(5));
	}

	private static void assertGeneric(ProblemException problem, int status) {
		assertThat(problem.status().value()).isEqualTo(status);
		assertThat(problem.title()).isEqualTo("Upstream refused the query");
		assertThat(problem.detail()).isEqualTo("credential service refused the query (" + status + ")");
		assertThat(problem.properties()).isEmpty();
	}
}
