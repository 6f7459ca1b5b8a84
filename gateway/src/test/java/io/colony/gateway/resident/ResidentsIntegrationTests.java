package io.colony.gateway.resident;

import io.colony.contracts.Destinations;
import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentReplied;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.gateway.credentials.TestTokens;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static io.colony.gateway.resident.FakeResidentService.KNOWN;
import static io.colony.gateway.resident.FakeResidentService.TIMER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/agents/**} through the gateway to a stand-in for the resident service's internal API (scopes, the
 * tenant from the token and nothing else, ids and bodies checked before anything is sent, answers and refusals as the
 * service wrote them, {@code Location} on what was created), and the agents' event streams fed by
 * {@code resident.replied} events published to the real RabbitMQ: a stream sees its tenant's (or its agent's) replies
 * and never another tenant's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResidentsIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeResidentService residents = FakeResidentService.start();

	static final Path keyFile = tempDir().resolve("issuer/local-issuer.jwk");

	static final String BASE = "/api/v1/agents";

	static final String READ_WRITE = "agents:read agents:write";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.residents-url", residents::url);
		registry.add("colony.gateway.local-issuer.key-file", keyFile::toString);
		registry.add("colony.gateway.max-body-size", () -> "64KB");
		registry.add("colony.gateway.residents.heartbeat", () -> "PT1S");
		registry.add("spring.data.redis.port", () -> "1");
	}

	@LocalServerPort
	int port;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	ResidentEventHub hub;

	WebTestClient web;

	TestTokens tokens;

	String acme;

	@BeforeAll
	void connect() {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
		tokens = TestTokens.fromKeyFile(keyFile);
		acme = tokens.token("acme", READ_WRITE);
	}

	@BeforeEach
	void forget() {
		residents.received.clear();
	}

	@AfterAll
	void cleanUp() {
		residents.close();
		env.close();
	}

	@Test
	void readingNeedsAgentsReadEverythingElseAgentsWriteAndNothingReachesTheServiceWithoutThem() {
		String jobsOnly = tokens.token("acme", "jobs:read jobs:write registry:read");
		String readOnly = tokens.token("acme", "agents:read");
		for (String path : List.of(BASE, BASE + "/" + KNOWN, BASE + "/" + KNOWN + "/timers", BASE + "/events",
				BASE + "/" + KNOWN + "/events")) {
			web.get().uri(path).exchange().expectStatus().isUnauthorized()
				.expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*");
			web.get().uri(path).headers(bearer(jobsOnly)).exchange()
				.expectStatus().isForbidden()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		}
		for (String path : List.of(BASE, BASE + "/bulk", BASE + "/" + KNOWN + "/messages", BASE + "/" + KNOWN + "/timers")) {
			web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"content\":\"hi\"}")
				.exchange().expectStatus().isUnauthorized();
			web.post().uri(path).headers(bearer(readOnly)).contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"content\":\"hi\"}").exchange()
				.expectStatus().isForbidden()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		}
		web.delete().uri(BASE + "/" + KNOWN).headers(bearer(readOnly)).exchange().expectStatus().isForbidden();
		web.delete().uri(BASE + "/" + KNOWN + "/timers/" + TIMER).headers(bearer(readOnly)).exchange()
			.expectStatus().isForbidden();
		assertThat(residents.received).isEmpty();

		web.get().uri(BASE + "/" + KNOWN).headers(bearer(readOnly)).exchange().expectStatus().isOk();
	}

	@Test
	void createsWithTheTokensTenantAndAnswersWithTheLocationOfTheAgent() {
		String body = "{\"id\":\"coach-7\",\"type\":\"coach\",\"memory\":{\"facts\":{\"goal\":\"10k\"}}}";
		web.post().uri(BASE).headers(bearer(acme)).header("X-Colony-Tenant", "globex")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body)
			.exchange()
			.expectStatus().isCreated()
			.expectHeader().valueEquals(HttpHeaders.LOCATION, BASE + "/coach-7")
			.expectBody().jsonPath("$.id").isEqualTo("coach-7").jsonPath("$.createdAt").exists();

		FakeResidentService.Received received = residents.received.getFirst();
		assertThat(received.method()).isEqualTo("POST");
		assertThat(received.path()).isEqualTo("/internal/v1/agents");
		assertThat(received.tenant()).isEqualTo("acme");
		assertThat(received.body()).isEqualTo(body);

		web.post().uri(BASE + "/bulk").headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"agents\":[{\"type\":\"assistant\"},{\"type\":\"assistant\"}]}")
			.exchange()
			.expectStatus().isCreated()
			.expectBody().jsonPath("$.created").isEqualTo(2).jsonPath("$.ids[1]").isEqualTo("a-2");
		assertThat(residents.received.getLast().path()).isEqualTo("/internal/v1/agents/bulk");
	}

	@Test
	void theServicesRefusalsComeBackAsItWroteThemAndNothingIsCreated() {
		web.post().uri(BASE).headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"id\":\"taken\",\"type\":\"coach\"}")
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectHeader().doesNotExist(HttpHeaders.LOCATION)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:agent-exists")
			.jsonPath("$.detail").isEqualTo("agent taken exists");
		web.post().uri(BASE).headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:invalid-agent");
		web.get().uri(BASE + "/" + KNOWN).headers(bearer(tokens.token("globex", READ_WRITE))).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:agent-not-found");
	}

	@Test
	void badIdsAndBodiesAreRefusedBeforeAnythingIsSent() {
		for (String path : List.of(BASE + "/-starts-with-a-dash", BASE + "/" + "x".repeat(129),
				BASE + "/has!bang/timers")) {
			web.get().uri(path).headers(bearer(acme)).exchange()
				.expectStatus().isNotFound()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:agent-not-found");
		}
		web.post().uri(BASE + "/bad!id/messages").headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"content\":\"hi\"}").exchange()
			.expectStatus().isNotFound();
		web.delete().uri(BASE + "/" + KNOWN + "/timers/bad!timer").headers(bearer(acme)).exchange()
			.expectStatus().isNotFound();
		web.post().uri(BASE + "/" + KNOWN + "/messages").headers(bearer(acme)).contentType(MediaType.TEXT_PLAIN)
			.bodyValue("hi").exchange()
			.expectStatus().isEqualTo(415)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:unsupported-media-type");
		web.post().uri(BASE + "/bulk").headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"agents\":[{\"type\":\"" + "a".repeat(70 * 1024) + "\"}]}").exchange()
			.expectStatus().isEqualTo(413)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:payload-too-large");
		assertThat(residents.received).isEmpty();
	}

	@Test
	void messagesTimersListingAndDeletionGoThroughOneToOne() {
		web.post().uri(BASE + "/{id}/messages", KNOWN).headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"content\":\"how far today?\"}")
			.exchange()
			.expectStatus().isAccepted()
			.expectBody().jsonPath("$.messageId").exists();
		web.post().uri(BASE + "/{id}/timers", KNOWN).headers(bearer(acme)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"after\":\"PT10M\",\"content\":\"check in\"}")
			.exchange()
			.expectStatus().isCreated()
			.expectHeader().valueEquals(HttpHeaders.LOCATION, BASE + "/" + KNOWN + "/timers/" + TIMER)
			.expectBody().jsonPath("$.timerId").isEqualTo(TIMER);
		web.get().uri(BASE + "/{id}/timers", KNOWN).headers(bearer(acme)).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.items[0].timerId").isEqualTo(TIMER);
		web.delete().uri(BASE + "/{id}/timers/{timer}", KNOWN, TIMER).headers(bearer(acme)).exchange()
			.expectStatus().isNoContent();
		web.get().uri(uri -> uri.path(BASE).queryParam("type", "coach").queryParam("limit", "5")
				.queryParam("after", "{after}").build("x&limit=999"))
			.headers(bearer(acme)).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.items[0].id").isEqualTo(KNOWN);
		web.delete().uri(BASE + "/{id}", KNOWN).headers(bearer(acme)).exchange()
			.expectStatus().isNoContent();

		assertThat(residents.received).extracting(r -> r.method() + " " + r.path()).containsExactly(
				"POST /internal/v1/agents/" + KNOWN + "/messages", "POST /internal/v1/agents/" + KNOWN + "/timers",
				"GET /internal/v1/agents/" + KNOWN + "/timers", "DELETE /internal/v1/agents/" + KNOWN + "/timers/" + TIMER,
				"GET /internal/v1/agents", "DELETE /internal/v1/agents/" + KNOWN);
		assertThat(residents.received).allSatisfy(r -> assertThat(r.tenant()).isEqualTo("acme"));
		assertThat(residents.received.get(0).body()).isEqualTo("{\"content\":\"how far today?\"}");
		assertThat(residents.received.get(4).query()).isEqualTo("type=coach&after=x%26limit%3D999&limit=5");
	}

	@Test
	void streamsCarryTheirAgentsOrTenantsRepliesAndNeverAnotherTenants() {
		List<ServerSentEvent<String>> agent = new CopyOnWriteArrayList<>();
		List<ServerSentEvent<String>> acmeAll = new CopyOnWriteArrayList<>();
		List<ServerSentEvent<String>> globexAll = new CopyOnWriteArrayList<>();
		Disposable agentStream = stream(BASE + "/" + KNOWN + "/events", acme).subscribe(agent::add);
		Disposable acmeStream = stream(BASE + "/events", acme).subscribe(acmeAll::add);
		Disposable globexStream = stream(BASE + "/events", tokens.token("globex", "agents:read")).subscribe(globexAll::add);
		try {
			Await.until(Duration.ofSeconds(20), "three streams subscribed", () -> hasComment(agent, "subscribed")
					&& hasComment(acmeAll, "subscribed") && hasComment(globexAll, "subscribed"));
			// the same agent id in another tenant is another agent
			publish(replied("globex", KNOWN, 1, "globex's reply"));
			publish(replied("acme", "someone-else", 1, "another agent's reply"));
			publish(replied("acme", KNOWN, 1, "first reply"));
			publish(replied("acme", KNOWN, 2, "second reply"));

			List<ServerSentEvent<String>> agentEvents = Await.untilValue(Duration.ofSeconds(20), "the agent's two replies",
					() -> named(agent), events -> events.size() >= 2);
			List<ServerSentEvent<String>> acmeEvents = Await.untilValue(Duration.ofSeconds(20), "acme's three replies",
					() -> named(acmeAll), events -> events.size() >= 3);
			List<ServerSentEvent<String>> globexEvents = Await.untilValue(Duration.ofSeconds(20), "globex's reply",
					() -> named(globexAll), events -> !events.isEmpty());
			Await.until(Duration.ofSeconds(10), "a heartbeat comment", () -> hasComment(agent, "heartbeat"));

			assertThat(agentEvents).extracting(ServerSentEvent::event)
				.containsExactly(Destinations.RESIDENT_REPLIED, Destinations.RESIDENT_REPLIED);
			assertThat(agentEvents).extracting(ServerSentEvent::id).containsExactly("1", "2");
			assertThat(agentEvents.get(0).data()).contains("\"type\":\"ResidentReplied\"").contains("first reply")
				.contains("\"agentId\":\"" + KNOWN + "\"");
			assertThat(agentEvents.get(1).data()).contains("second reply");
			assertThat(acmeEvents).extracting(ServerSentEvent::data).allSatisfy(data -> assertThat(data)
				.contains("\"tenant\":\"acme\"").doesNotContain("globex"));
			assertThat(acmeEvents.getFirst().data()).contains("another agent's reply");
			assertThat(globexEvents).hasSize(1);
			assertThat(globexEvents.getFirst().data()).contains("globex's reply");
		}
		finally {
			agentStream.dispose();
			acmeStream.dispose();
			globexStream.dispose();
		}
		Await.until(Duration.ofSeconds(20), "closed streams unsubscribed", () -> hub.openSubscriptions() == 0);
	}

	@Test
	void anUnknownAgentsOrAnotherTenantsStreamIsA404BeforeAnythingIsStreamed() {
		web.get().uri(BASE + "/nobody/events").headers(bearer(acme)).accept(MediaType.TEXT_EVENT_STREAM).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:agent-not-found");
		web.get().uri(BASE + "/{id}/events", KNOWN).headers(bearer(tokens.token("globex", "agents:read")))
			.accept(MediaType.TEXT_EVENT_STREAM).exchange()
			.expectStatus().isNotFound();
		assertThat(residents.received).extracting(FakeResidentService.Received::tenant).containsExactly("acme", "globex");
		Await.until(Duration.ofSeconds(10), "refused streams unsubscribed", () -> hub.openSubscriptions() == 0);
	}

	private void publish(ResidentReplied event) {
		publisher.publish(Outgoing.to(Destinations.EVENTS, event.routingKey(), event).withTenant(event.tenant())).join();
	}

	private static ResidentReplied replied(String tenant, String agent, long sequence, String reply) {
		return new ResidentReplied(ResidentId.of(agent), TenantId.of(tenant), UUID.randomUUID(), sequence, reply,
				Usage.NONE, Instant.now());
	}

	private Flux<ServerSentEvent<String>> stream(String path, String token) {
		return web.get().uri(path).headers(bearer(token)).accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();
	}

	private static boolean hasComment(List<ServerSentEvent<String>> events, String comment) {
		return events.stream().anyMatch(sse -> comment.equals(sse.comment()));
	}

	private static List<ServerSentEvent<String>> named(List<ServerSentEvent<String>> events) {
		return events.stream().filter(sse -> sse.event() != null).toList();
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-residents-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
