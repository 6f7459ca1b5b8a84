package io.colony.gateway.credentials;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.messaging.PublishFailed;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The credential service's operator API through the gateway (against {@link FakeCredentialService}) and the
 * operators' event stream fed from a real RabbitMQ vhost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialsIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeCredentialService credentials = FakeCredentialService.start();

	static final Path keyFile = tempDir().resolve("issuer/local-issuer.jwk");

	static final String APPROVE = "credentials:approve";

	static final String BASE = "/api/v1/credentials";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.credentials-url", credentials::url);
		registry.add("colony.gateway.credentials.heartbeat", () -> "PT1S");
		registry.add("colony.gateway.local-issuer.key-file", keyFile::toString);
		// no Redis here (nothing listens on port 1): the gateway must serve all the same, limiting per instance
		registry.add("spring.data.redis.port", () -> "1");
		registry.add("colony.gateway.limits.tenants.throttled.requests-per-minute", () -> "2");
	}

	@LocalServerPort
	int port;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	CredentialEventHub hub;

	@Autowired
	MeterRegistry meters;

	WebTestClient web;

	TestTokens tokens;

	@BeforeAll
	void connect() {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
		tokens = TestTokens.fromKeyFile(keyFile);
	}

	@AfterAll
	void cleanUp() {
		credentials.close();
		env.close();
	}

	// ---- scope ------------------------------------------------------------------------------------------------

	@Test
	void everyOperatorRouteNeedsTheApprovalScope() {
		String requestId = pending("acme").requestId().toString();
		int before = credentials.received.size();
		String everythingElse = tokens.token("acme", "jobs:read jobs:write registry:read registry:write");

		for (String path : List.of(BASE + "/requests", BASE + "/requests/" + requestId, BASE + "/leases",
				BASE + "/audit", BASE + "/audit/verify", BASE + "/events")) {
			web.get().uri(path).exchange()
				.expectStatus().isUnauthorized()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
			web.get().uri(path).headers(bearer(everythingElse)).exchange()
				.expectStatus().isForbidden()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		}
		web.post().uri(BASE + "/requests/{id}/approve", requestId).headers(bearer(everythingElse))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isForbidden();
		web.post().uri(BASE + "/leases/{id}/revoke", LeaseId.random()).contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"r\"}")
			.exchange()
			.expectStatus().isUnauthorized();

		assertThat(credentials.received.subList(before, credentials.received.size())).isEmpty();
	}

	@Test
	void theLocalIssuerMintsTheApprovalScopeOnlyWhenAskedFor() {
		String unasked = mint("grant_type=client_credentials&tenant=acme");
		web.get().uri(BASE + "/requests").headers(bearer(unasked)).exchange().expectStatus().isForbidden();

		String asked = mint("grant_type=client_credentials&tenant=acme&scope=" + APPROVE);
		web.get().uri(BASE + "/requests").headers(bearer(asked)).exchange().expectStatus().isOk();
	}

	// ---- reads ------------------------------------------------------------------------------------------------

	@Test
	void readsGoThroughWithTheOperatorsTokenAndOnlyTheKnownParameters() {
		CredentialApprovalRequested own = pending("acme");
		CredentialApprovalRequested foreign = pending("globex");
		String operator = tokens.token("acme", APPROVE);

		String listed = body(web.get().uri(BASE + "/requests?status=PENDING&limit=5&tenant=globex")
			.headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody());
		assertThat(listed).contains(own.requestId().toString()).doesNotContain(foreign.requestId().toString());
		FakeCredentialService.Received received = last("GET", BASE + "/requests");
		assertThat(received.query()).isEqualTo("status=PENDING&limit=5");
		assertThat(received.authorization()).isEqualTo("Bearer " + operator);

		web.get().uri(BASE + "/requests/{id}", own.requestId()).headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.requestId").isEqualTo(own.requestId().toString())
			.jsonPath("$.scope[0]").isEqualTo("inventory:write");

		// another tenant's request: the credential service's own 404, as it wrote it
		web.get().uri(BASE + "/requests/{id}", foreign.requestId()).headers(bearer(operator))
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:credential-request-not-found")
			.jsonPath("$.detail").isEqualTo("there is no credential request " + foreign.requestId())
			.jsonPath("$.instance").isEqualTo(BASE + "/requests/" + foreign.requestId());

		web.get().uri(BASE + "/audit?after=0&limit=10").headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.entries[0].kind").isEqualTo("requested");
		assertThat(last("GET", BASE + "/audit").query()).isEqualTo("after=0&limit=10");
		web.get().uri(BASE + "/audit/verify").headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.valid").isEqualTo(true);
		web.get().uri(BASE + "/audit/keys").headers(bearer(operator)).exchange().expectStatus().isOk();
	}

	@Test
	void aMalformedIdIsA404ThatNeverReachesTheCredentialService() {
		int before = credentials.received.size();
		String operator = tokens.token("acme", APPROVE);

		web.get().uri(BASE + "/requests/{id}", "not-a-uuid").headers(bearer(operator))
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:credential-request-not-found");
		web.post().uri(BASE + "/leases/{id}/revoke", "1-2-3-4-5").headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"r\"}")
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:lease-not-found");
		// a dot segment does not even get to the controller (the firewall refuses a path that is not normalised)
		web.post().uri(BASE + "/leases/{id}/revoke", "..").headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"r\"}")
			.exchange()
			.expectStatus().isBadRequest();

		assertThat(credentials.received.subList(before, credentials.received.size())).isEmpty();
	}

	// ---- decisions --------------------------------------------------------------------------------------------

	@Test
	void anApprovalGoesThroughAsSentAndItsReplayKeepsTheUpstreamsProblem() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);
		String approval = "{\"scope\":[\"inventory:write\"],\"ttl\":\"PT5M\",\"note\":\"for the stock fix\"}";

		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(approval)
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("GRANTED")
			.jsonPath("$.grantedScope[0]").isEqualTo("inventory:write")
			.jsonPath("$.decidedBy").isEqualTo("operator-acme");
		FakeCredentialService.Received received = last("POST", BASE + "/requests/" + request.requestId());
		assertThat(received.body()).isEqualTo(approval);
		assertThat(received.contentType()).startsWith("application/json");
		assertThat(received.authorization()).isEqualTo("Bearer " + operator);

		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(approval)
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:already-decided")
			.jsonPath("$.title").isEqualTo("Already decided")
			.jsonPath("$.status").isEqualTo(409)
			.jsonPath("$.detail").isEqualTo("request " + request.requestId() + " was already GRANTED by operator-acme")
			.jsonPath("$.requestStatus").isEqualTo("GRANTED");
	}

	@Test
	void anApprovalThatWidensTheRequestKeepsTheUpstreamsRefusal() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);

		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"scope\":[\"inventory:write\",\"billing:write\"]}")
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:scope-not-requested")
			.jsonPath("$.detail").isEqualTo("the agent did not ask for billing:write")
			.jsonPath("$.notRequested[0]").isEqualTo("billing:write");
		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"ttl\":\"PT1H\"}")
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:ttl-too-long");
		assertThat(credentials.request(request.requestId().toString())).containsEntry("status", "PENDING");
	}

	@Test
	void aDenialNeedsAReasonAndAnEmptyBodyGoesOnAsAnEmptyObject() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);

		web.post().uri(BASE + "/requests/{id}/deny", request.requestId()).headers(bearer(operator))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:invalid-decision")
			.jsonPath("$.field").isEqualTo("reason");
		assertThat(last("POST", BASE + "/requests/" + request.requestId()).body()).isEqualTo("{}");

		web.post().uri(BASE + "/requests/{id}/deny", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"not during the freeze\"}")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("DENIED").jsonPath("$.reason").isEqualTo("not during the freeze");
	}

	@Test
	void aLeaseIsListedAndRevoked() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);
		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isOk();
		String leaseId = (String) credentials.request(request.requestId().toString()).get("leaseId");

		web.get().uri(BASE + "/leases?status=ACTIVE").headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.leases[?(@.leaseId == '" + leaseId + "')].status").isEqualTo("ACTIVE");
		web.post().uri(BASE + "/leases/{id}/revoke", leaseId).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"agent misbehaved\"}")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("REVOKED").jsonPath("$.reason").isEqualTo("agent misbehaved");
		web.post().uri(BASE + "/leases/{id}/revoke", leaseId).headers(bearer(tokens.token("globex", APPROVE)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"not mine\"}")
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:lease-not-found");
	}

	@Test
	void decisionBodiesAreCappedAndMustBeJson() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);
		int before = credentials.received.size();
		String oversize = "{\"note\":\"" + "x".repeat(17 * 1024) + "\"}";

		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(oversize)
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:payload-too-large");
		web.post().uri(BASE + "/requests/{id}/approve", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).body(BodyInserters.fromDataBuffers(chunked(oversize)))
			.exchange()
			.expectStatus().isEqualTo(413);
		web.post().uri(BASE + "/requests/{id}/deny", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.TEXT_PLAIN).bodyValue("reason=because")
			.exchange()
			.expectStatus().isEqualTo(415)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:unsupported-media-type");

		assertThat(credentials.received.subList(before, credentials.received.size())).isEmpty();
		assertThat(credentials.request(request.requestId().toString())).containsEntry("status", "PENDING");
	}

	@Test
	void whatAgentsCallIsNotRouted() {
		CredentialApprovalRequested request = pending("acme");
		String operator = tokens.token("acme", APPROVE);
		int before = credentials.received.size();

		web.post().uri(BASE + "/requests").headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"request\":{},\"signature\":{}}")
			.exchange()
			.expectStatus().isEqualTo(405)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		web.post().uri(BASE + "/requests/{id}/claim", request.requestId()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isNotFound();
		web.post().uri(BASE + "/leases/{id}/renew", LeaseId.random()).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isNotFound();
		web.get().uri(BASE + "/jwks").headers(bearer(operator)).exchange().expectStatus().isNotFound();

		assertThat(credentials.received.subList(before, credentials.received.size())).isEmpty();
	}

	@Test
	void anUpstreamFailureOrAnOversizeProblemIsNotRelayed() {
		String operator = tokens.token("acme", APPROVE);

		String failure = body(web.get().uri(BASE + "/requests/{id}", FakeCredentialService.FAILING_REQUEST)
			.headers(bearer(operator))
			.exchange()
			.expectStatus().isEqualTo(502)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:upstream-failed"));
		assertThat(failure).doesNotContain(FakeCredentialService.SECRET_IN_FAILURE);

		web.post().uri(BASE + "/requests/{id}/approve", FakeCredentialService.VERBOSE_REQUEST).headers(bearer(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.detail").isEqualTo("credential service refused the query (409)");
	}

	// ---- events -----------------------------------------------------------------------------------------------

	@Test
	void eachOperatorSeesOnlyItsTenantsCredentialEvents() {
		List<ServerSentEvent<String>> acme = new CopyOnWriteArrayList<>();
		List<ServerSentEvent<String>> globex = new CopyOnWriteArrayList<>();
		Disposable acmeStream = stream(tokens.token("acme", APPROVE)).subscribe(acme::add);
		Disposable globexStream = stream(tokens.token("globex", APPROVE)).subscribe(globex::add);
		try {
			Await.until(Duration.ofSeconds(20), "both streams subscribed",
					() -> hasComment(acme, "subscribed") && hasComment(globex, "subscribed"));

			CredentialApprovalRequested globexRequest = approvalRequested("globex");
			CredentialApprovalRequested acmeRequest = approvalRequested("acme");
			LeaseId lease = LeaseId.random();
			publish(globexRequest);
			publish(acmeRequest);
			publish(new CredentialRequestDecided(acmeRequest.requestId(), acmeRequest.tenant(), acmeRequest.agentId(),
					CredentialRequestStatus.GRANTED, lease, acmeRequest.scope(), Instant.now().plusSeconds(300),
					"operator-acme", null, Instant.now()));
			// only the credential service consumes credential.used: the gateway's queue is not bound to it
			assertThatThrownBy(() -> publish(new CredentialUsed(lease, acmeRequest.tenant(), acmeRequest.agentId(),
					acmeRequest.taskId(), "resource_api", CredentialUsed.USED, Instant.now())))
				.hasRootCauseInstanceOf(PublishFailed.class)
				.hasMessageContaining("NO_ROUTE");
			publish(new CredentialRevoked(lease, acmeRequest.requestId(), acmeRequest.tenant(), acmeRequest.agentId(),
					"operator-acme", "done", Instant.now()));
			publish(new CredentialRevoked(LeaseId.random(), globexRequest.requestId(), globexRequest.tenant(),
					globexRequest.agentId(), "operator-globex", "done", Instant.now()));

			List<ServerSentEvent<String>> acmeEvents = Await.untilValue(Duration.ofSeconds(20), "acme's three events",
					() -> named(acme), events -> events.size() >= 3);
			List<ServerSentEvent<String>> globexEvents = Await.untilValue(Duration.ofSeconds(20), "globex's two events",
					() -> named(globex), events -> events.size() >= 2);

			// globex's events (published first) never reach acme's stream
			assertThat(acmeEvents).extracting(ServerSentEvent::event)
				.containsExactly(Destinations.CREDENTIAL_APPROVAL_REQUESTED, Destinations.CREDENTIAL_DECIDED,
						Destinations.CREDENTIAL_REVOKED);
			assertThat(acmeEvents).extracting(ServerSentEvent::id).containsExactly("1", "2", "3");
			assertThat(acmeEvents.getFirst().data()).contains("\"type\":\"CredentialApprovalRequested\"")
				.contains(acmeRequest.requestId().toString())
				.contains("\"justification\":\"restock the shelf\"");
			assertThat(acmeEvents).allSatisfy(sse -> assertThat(sse.data()).contains("\"tenant\":\"acme\"")
				.doesNotContain("globex"));
			assertThat(globexEvents).extracting(ServerSentEvent::event)
				.containsExactly(Destinations.CREDENTIAL_APPROVAL_REQUESTED, Destinations.CREDENTIAL_REVOKED);
			assertThat(globexEvents).allSatisfy(sse -> assertThat(sse.data()).doesNotContain("\"acme\""));

			Await.until(Duration.ofSeconds(10), "a heartbeat comment", () -> hasComment(acme, "heartbeat"));
		}
		finally {
			acmeStream.dispose();
			globexStream.dispose();
		}
		Await.until(Duration.ofSeconds(20), "closed streams unsubscribed", () -> hub.openSubscriptions() == 0);
	}

	@Test
	void theEventStreamEndsWhenTheTokenExpires() {
		String shortLived = tokens.token("acme", APPROVE, Instant.now().plusSeconds(3));

		StepVerifier.create(stream(shortLived).filter(sse -> sse.comment() != null && !"heartbeat".equals(sse.comment())))
			.assertNext(sse -> assertThat(sse.comment()).isEqualTo("subscribed"))
			.assertNext(sse -> assertThat(sse.comment()).isEqualTo("token expired"))
			.expectComplete()
			.verify(Duration.ofSeconds(20));
	}

	// ---- protection -------------------------------------------------------------------------------------------

	@Test
	void anotherTenantsRequestCannotBeSeenNorDecided() {
		CredentialApprovalRequested request = pending("acme");
		String globex = tokens.token("globex", APPROVE);

		for (String decision : List.of("approve", "deny")) {
			web.post().uri(BASE + "/requests/{id}/" + decision, request.requestId()).headers(bearer(globex))
				.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reason\":\"not mine\"}")
				.exchange()
				.expectStatus().isNotFound()
				.expectBody()
				.jsonPath("$.type").isEqualTo("urn:colony:problem:credential-request-not-found")
				.jsonPath("$.detail").isEqualTo("there is no credential request " + request.requestId());
		}
		String listed = body(web.get().uri(BASE + "/requests").headers(bearer(globex)).exchange()
			.expectStatus().isOk().expectBody());
		assertThat(listed).doesNotContain(request.requestId().toString());
		assertThat(credentials.request(request.requestId().toString())).containsEntry("status", "PENDING");
	}

	@Test
	void withoutRedisTheGatewayServesAndEachInstanceLimitsAlone() {
		String throttled = tokens.token("throttled", APPROVE);

		web.get().uri(BASE + "/requests").headers(bearer(throttled)).exchange().expectStatus().isOk();
		web.get().uri(BASE + "/leases").headers(bearer(throttled)).exchange().expectStatus().isOk();
		web.get().uri(BASE + "/requests").headers(bearer(throttled)).exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:rate-limited")
			.jsonPath("$.budget").isEqualTo("requests");

		assertThat(meters.get("colony.gateway.rate.limit.degraded").gauge().value()).isEqualTo(1);
		assertThat(meters.get("colony.gateway.rate.limited").tag("tenant", "throttled").counter().count()).isEqualTo(1);
		web.get().uri("/actuator/health").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
	}

	@Test
	void byDefaultNoOtherOriginMayCallFromABrowser() {
		web.options().uri(BASE + "/requests")
			.header(HttpHeaders.ORIGIN, "https://console.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
			.exchange()
			.expectStatus().isForbidden()
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:cors-not-allowed");
		web.get().uri(BASE + "/requests").headers(bearer(tokens.token("acme", APPROVE)))
			.header(HttpHeaders.ORIGIN, "https://console.example.com")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	// ---- helpers ----------------------------------------------------------------------------------------------

	private CredentialApprovalRequested pending(String tenant) {
		CredentialApprovalRequested event = approvalRequested(tenant);
		credentials.pending(event);
		return event;
	}

	private static CredentialApprovalRequested approvalRequested(String tenant) {
		Instant now = Instant.now();
		return new CredentialApprovalRequested(CredentialRequestId.random(), TenantId.of(tenant),
				AgentId.of("worker-" + tenant), JobId.random(), TaskId.random(), "inventory",
				List.of("inventory:write", "inventory:read"), Duration.ofMinutes(15), "restock the shelf", now,
				now.plus(Duration.ofMinutes(15)));
	}

	private void publish(CredentialEvent event) {
		TenantId tenant = switch (event) {
			case CredentialApprovalRequested e -> e.tenant();
			case CredentialRequestDecided e -> e.tenant();
			case CredentialRevoked e -> e.tenant();
			case CredentialUsed e -> e.tenant();
			default -> throw new IllegalArgumentException(event.toString());
		};
		publisher.publish(Outgoing.to(Destinations.CREDENTIALS, event.routingKey(), event).withTenant(tenant)).join();
	}

	private Flux<ServerSentEvent<String>> stream(String token) {
		return web.get().uri(BASE + "/events").headers(bearer(token)).accept(MediaType.TEXT_EVENT_STREAM)
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

	private String mint(String form) {
		Map<?, ?> answer = web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue(form)
			.exchange()
			.expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody();
		return (String) answer.get("access_token");
	}

	private FakeCredentialService.Received last(String method, String pathPrefix) {
		return credentials.received(method, pathPrefix).getLast();
	}

	private static String body(WebTestClient.BodyContentSpec spec) {
		return new String(spec.returnResult().getResponseBodyContent(), StandardCharsets.UTF_8);
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

	private static Flux<DataBuffer> chunked(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		int chunk = 4 * 1024;
		return Flux.range(0, (bytes.length + chunk - 1) / chunk)
			.map(i -> DefaultDataBufferFactory.sharedInstance
				.wrap(Arrays.copyOfRange(bytes, i * chunk, Math.min(bytes.length, (i + 1) * chunk))));
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-credentials-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
