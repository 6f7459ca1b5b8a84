package io.colony.gateway.deadletter;

import io.colony.gateway.credentials.TestTokens;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static io.colony.gateway.deadletter.FakeOrchestratorDeadLetters.KNOWN;
import static io.colony.gateway.deadletter.FakeOrchestratorDeadLetters.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/dead-letters/**} through the gateway to a stand-in for the orchestrator's internal API: the scope
 * {@code deadletters:manage} is required, the tenant and actor come from the token and nothing else, ids and bodies
 * are checked before anything is sent, and the orchestrator's answers and refusals come back as it wrote them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeOrchestratorDeadLetters orchestrator = FakeOrchestratorDeadLetters.start();

	static final Path keyFile = tempDir().resolve("issuer/local-issuer.jwk");

	static final String BASE = "/api/v1/dead-letters";

	static final String MANAGE = "deadletters:manage";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.orchestrator-url", orchestrator::url);
		registry.add("colony.gateway.local-issuer.key-file", keyFile::toString);
		registry.add("colony.gateway.dead-letters.max-body-size", () -> "1KB");
		registry.add("spring.data.redis.port", () -> "1");
	}

	@LocalServerPort
	int port;

	WebTestClient web;

	TestTokens tokens;

	String operator;

	@BeforeAll
	void connect() {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
		tokens = TestTokens.fromKeyFile(keyFile);
		operator = tokens.token("acme", MANAGE);
	}

	@BeforeEach
	void forget() {
		orchestrator.received.clear();
	}

	@AfterAll
	void cleanUp() {
		orchestrator.close();
		env.close();
	}

	@Test
	void everyRouteNeedsTheDeadLetterScopeAndNothingReachesTheOrchestratorWithoutIt() {
		String everythingElse = tokens.token("acme",
				"jobs:read jobs:write registry:read registry:write credentials:approve fleet:read");
		for (String path : List.of(BASE, BASE + "/" + KNOWN)) {
			web.get().uri(path).exchange().expectStatus().isUnauthorized();
			web.get().uri(path).headers(bearer(everythingElse)).exchange()
				.expectStatus().isForbidden()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		}
		for (String path : List.of(BASE + "/replay", BASE + "/" + KNOWN + "/replay", BASE + "/" + KNOWN + "/discard")) {
			web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"r\"}")
				.exchange().expectStatus().isUnauthorized();
			web.post().uri(path).headers(bearer(everythingElse)).contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"reason\":\"r\"}").exchange().expectStatus().isForbidden();
		}
		assertThat(orchestrator.received).isEmpty();
	}

	@Test
	void listsWithTheTokensTenantNotOneTheClientNamesAndPassesTheQueryOn() {
		web.get().uri(uri -> uri.path(BASE).queryParam("status", "all").queryParam("queue", "agent.summarizer")
				.queryParam("limit", "5").queryParam("jobId", "{jobId}").build("x&limit=9"))
			.headers(bearer(operator)).header("X-Colony-Tenant", "globex")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items[0].id").isEqualTo(KNOWN).jsonPath("$.items[0].tenant").isEqualTo("acme");

		FakeOrchestratorDeadLetters.Received received = orchestrator.received.getFirst();
		assertThat(received.path()).isEqualTo("/internal/v1/dead-letters");
		assertThat(received.tenant()).isEqualTo("acme");
		assertThat(received.query()).isEqualTo("status=all&queue=agent.summarizer&jobId=x%26limit%3D9&limit=5");
	}

	@Test
	void showsReplaysAndDiscardsWithTheActorFromTheToken() {
		web.get().uri(BASE + "/{id}", KNOWN).headers(bearer(operator)).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("OPEN");
		web.post().uri(BASE + "/{id}/replay", KNOWN).headers(bearer(operator)).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("REPLAYED");
		web.post().uri(BASE + "/{id}/discard", KNOWN).headers(bearer(operator)).header("X-Colony-Actor", "someone-else")
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"customer resubmitted\"}")
			.exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("DISCARDED");
		web.post().uri(BASE + "/replay").headers(bearer(operator)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"queue\":\"agent.summarizer\"}").exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.replayed").isEqualTo(1);

		assertThat(orchestrator.received).extracting(FakeOrchestratorDeadLetters.Received::path).containsExactly(
				"/internal/v1/dead-letters/" + KNOWN, "/internal/v1/dead-letters/" + KNOWN + "/replay",
				"/internal/v1/dead-letters/" + KNOWN + "/discard", "/internal/v1/dead-letters/replay");
		assertThat(orchestrator.received).allSatisfy(received -> assertThat(received.tenant()).isEqualTo("acme"));
		List<FakeOrchestratorDeadLetters.Received> posts = orchestrator.received.stream()
			.filter(received -> received.method().equals("POST")).toList();
		assertThat(posts).allSatisfy(received -> assertThat(received.actor()).isEqualTo("operator-acme"));
		assertThat(posts.get(0).body()).as("an empty replay body goes on as {}").isEqualTo("{}");
		assertThat(posts.get(1).body()).isEqualTo("{\"reason\":\"customer resubmitted\"}");
		assertThat(posts.get(2).body()).isEqualTo("{\"queue\":\"agent.summarizer\"}");
	}

	@Test
	void theOrchestratorsRefusalsComeBackAsItWroteThem() {
		web.post().uri(BASE + "/{id}/replay", RESOLVED).headers(bearer(operator)).exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:dead-letter-not-open");
		web.get().uri(BASE + "/{id}", KNOWN).headers(bearer(tokens.token("globex", MANAGE))).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:dead-letter-not-found");
	}

	@Test
	void malformedIdsOversizeAndNonJsonBodiesNeverReachTheOrchestrator() {
		for (String id : List.of("not-a-uuid", "11111111-1111-1111-1111-11111111111g", "1-2-3-4-5")) {
			web.get().uri(BASE + "/{id}", id).headers(bearer(operator)).exchange()
				.expectStatus().isNotFound()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:dead-letter-not-found");
			web.post().uri(BASE + "/{id}/replay", id).headers(bearer(operator)).exchange().expectStatus().isNotFound();
		}
		// a dot segment does not even get to the controller (the firewall refuses a path that is not normalised)
		web.post().uri(BASE + "/{id}/discard", "..").headers(bearer(operator)).exchange().expectStatus().isBadRequest();
		web.post().uri(BASE + "/{id}/discard", KNOWN).headers(bearer(operator)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"" + "x".repeat(2000) + "\"}").exchange()
			.expectStatus().isEqualTo(413);
		web.post().uri(BASE + "/{id}/discard", KNOWN).headers(bearer(operator)).contentType(MediaType.TEXT_PLAIN)
			.bodyValue("reason=because").exchange()
			.expectStatus().isEqualTo(415);
		assertThat(orchestrator.received).isEmpty();
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-dead-letters-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
