package io.colony.credentials;

import io.colony.platform.testing.MutableClock;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.TenantId;
import io.colony.credentials.testing.CredentialApi;
import io.colony.credentials.testing.CredentialApi.Answer;
import io.colony.credentials.testing.EventTap;
import io.colony.credentials.testing.TestAgent;
import io.colony.credentials.testing.TestIssuer;
import io.colony.credentials.testing.TestRegistry;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator side against the real database and broker: approvals and denials (each once), narrowing, tenant
 * isolation, revocation, the approval timeout, and the JWT checks in front of it all. Operator tokens come from a
 * test issuer whose JWK set the service is pointed at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"colony.credentials.lease-sweep-interval=PT0.2S", "colony.credentials.approval-sweep-interval=PT0.2S",
		// the database is dropped before the context closes: sweeps then fail fast instead of holding the shutdown
		"spring.datasource.hikari.connection-timeout=1000" })
class OperatorApprovalIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final TestRegistry registry = TestRegistry.start();

	static final TestIssuer issuer = TestIssuer.start();

	static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

	static final String APPROVE = "credentials:approve";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
		properties.add("colony.credentials.registry-url", registry::url);
		properties.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer::jwksUrl);
	}

	@TestConfiguration
	static class TestClock {

		@Bean
		@Primary
		Clock testClock() {
			return clock;
		}
	}

	@AfterAll
	static void cleanUp() {
		registry.close();
		issuer.close();
		env.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	CredentialApi api;

	EventTap events;

	TenantId tenant;

	String operator;

	TestAgent agent;

	@BeforeEach
	void setUp() {
		api = new CredentialApi(port);
		events = EventTap.listen(admin, rabbit);
		String run = UUID.randomUUID().toString().substring(0, 8);
		tenant = TenantId.of("tenant-" + run);
		operator = issuer.bearer(tenant.value(), APPROVE);
		agent = new TestAgent(AgentId.of("worker-" + run), clock);
		registry.register(agent.agentId(), agent.key().publicKey());
	}

	@Test
	void operatorEndpointsNeedABearerTokenWithTheApproveScopeAndATenant() {
		CredentialRequest request = pendingWrite(Duration.ofMinutes(5));
		String path = "/requests/" + request.requestId();

		for (Answer answer : List.of(api.get("/requests", null), api.get(path, null),
				api.post(path + "/approve", Map.of(), null), api.post(path + "/deny", Map.of("reason", "no"), null),
				api.get("/leases", null), api.get("/requests", "Bearer not-a-jwt"))) {
			assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
			assertThat(answer.problem()).isEqualTo("unauthorized");
		}
		String readOnly = issuer.bearer(tenant.value(), "jobs:read registry:read");
		for (Answer answer : List.of(api.get("/requests", readOnly), api.post(path + "/approve", Map.of(), readOnly))) {
			assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
			assertThat(answer.problem()).isEqualTo("forbidden");
		}
		Answer noTenant = api.get("/requests", issuer.bearer(null, APPROVE));
		assertThat(noTenant.status()).isEqualTo(403);
		assertThat(noTenant.problem()).isEqualTo("no-tenant");

		assertThat(status(request.requestId())).as("nothing was decided").isEqualTo("PENDING");
		assertThat(api.get("/jwks", null).status()).as("the token JWK set is open").isEqualTo(200);
	}

	@Test
	void approvalOpensALeaseWhoseTokenOnlyTheRequestingAgentClaims() throws Exception {
		CredentialRequest request = pendingWrite(Duration.ofMinutes(10));
		CredentialApprovalRequested asked = events.await(CredentialApprovalRequested.class,
				event -> event.requestId().equals(request.requestId()));
		assertThat(asked.scope()).containsExactly("inventory:write");
		assertThat(asked.ttl()).isEqualTo(Duration.ofMinutes(10));
		assertThat(asked.timesOutAt()).isEqualTo(asked.requestedAt().plus(Duration.ofMinutes(15)));
		JsonNode listed = api.get("/requests?status=PENDING", operator).json().get("requests");
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).get("requestId").asString()).isEqualTo(request.requestId().toString());
		assertThat(listed.get(0).get("justification").asString()).isEqualTo("needed for the task");
		assertThat(listed.get(0).get("ttl").asString()).isEqualTo("PT10M");
		assertThat(Instant.parse(listed.get(0).get("timesOutAt").asString())).isEqualTo(asked.timesOutAt());
		assertThat(api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId())).problem())
			.as("nothing to collect yet")
			.isEqualTo("not-granted");

		Answer approved = api.post("/requests/" + request.requestId() + "/approve",
				Map.of("ttl", "PT5M", "note", "ok for the restock"), operator);

		assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
		JsonNode view = approved.json();
		assertThat(view.get("status").asString()).isEqualTo("GRANTED");
		assertThat(view.get("decidedBy").asString()).isEqualTo("operator-of-" + tenant.value());
		assertThat(view.get("reason").asString()).isEqualTo("ok for the restock");
		assertThat(view.get("grantedScope").get(0).asString()).isEqualTo("inventory:write");
		String leaseId = view.get("leaseId").asString();
		CredentialRequestDecided decided = events.await(CredentialRequestDecided.class,
				event -> event.requestId().equals(request.requestId()));
		assertThat(decided.status()).isEqualTo(CredentialRequestStatus.GRANTED);
		assertThat(decided.leaseId().toString()).isEqualTo(leaseId);
		assertThat(decided.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

		Answer claimed = api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId()));
		assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
		IssuedCredential credential = claimed.as(IssuedCredential.class);
		assertThat(credential.leaseId().toString()).isEqualTo(leaseId);
		assertThat(credential.scope()).containsExactly("inventory:write");
		assertThat(credential.expiresAt()).isEqualTo(decided.expiresAt());
		assertThat(SignedJWT.parse(credential.token()).getJWTClaimsSet().getStringClaim("scope"))
			.isEqualTo("inventory:write");
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued");
		assertThat(api.get("/leases?status=ACTIVE", operator).json().get("leases").get(0).get("leaseId").asString())
			.isEqualTo(leaseId);
	}

	@Test
	void approvalsNarrowTheRequestNeverWidenIt() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read", "inventory:write"),
				Duration.ofMinutes(10));
		assertThat(api.post("/requests", agent.sign(request)).as(CredentialRequestAnswer.class).status())
			.isEqualTo(CredentialRequestStatus.PENDING);
		String path = "/requests/" + request.requestId() + "/approve";

		Answer otherScope = api.post(path, Map.of("scope", List.of("inventory:write", "billing:write")), operator);
		Answer tooLong = api.post(path, Map.of("ttl", "PT16M"), operator);
		Answer empty = api.post(path, Map.of("scope", List.of()), operator);

		assertThat(otherScope.status()).isEqualTo(422);
		assertThat(otherScope.problem()).isEqualTo("scope-not-requested");
		assertThat(tooLong.status()).isEqualTo(422);
		assertThat(tooLong.problem()).isEqualTo("ttl-too-long");
		assertThat(empty.status()).isEqualTo(400);
		assertThat(status(request.requestId())).isEqualTo("PENDING");

		Answer narrowed = api.post(path, Map.of("scope", List.of("inventory:read"), "ttl", "PT2M"), operator);
		assertThat(narrowed.status()).isEqualTo(200);
		IssuedCredential credential = api.post("/requests/" + request.requestId() + "/claim",
				agent.claim(request.requestId())).as(IssuedCredential.class);
		assertThat(credential.scope()).containsExactly("inventory:read");
		assertThat(credential.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
	}

	@Test
	void aRequestIsDecidedOnceWhateverIsReplayed() throws Exception {
		CredentialRequest approvedTwice = pendingWrite(Duration.ofMinutes(5));
		assertThat(approve(approvedTwice).status()).isEqualTo(200);
		Answer again = approve(approvedTwice);
		Answer denyAfter = api.post("/requests/" + approvedTwice.requestId() + "/deny", Map.of("reason", "changed my mind"),
				operator);
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.problem()).isEqualTo("already-decided");
		assertThat(denyAfter.status()).isEqualTo(409);
		assertThat(leases(approvedTwice.requestId())).isEqualTo(1);

		CredentialRequest denied = pendingWrite(Duration.ofMinutes(5));
		assertThat(api.post("/requests/" + denied.requestId() + "/deny", Map.of("reason", "not today"), operator)
			.status()).isEqualTo(200);
		Answer approveAfterDeny = approve(denied);
		assertThat(approveAfterDeny.status()).isEqualTo(409);
		assertThat(approveAfterDeny.problem()).isEqualTo("already-decided");
		assertThat(leases(denied.requestId())).isZero();
		Answer claim = api.post("/requests/" + denied.requestId() + "/claim", agent.claim(denied.requestId()));
		assertThat(claim.status()).isEqualTo(409);
		assertThat(claim.json().get("requestStatus").asString()).isEqualTo("DENIED");
		assertThat(events.await(CredentialRequestDecided.class, event -> event.requestId().equals(denied.requestId()))
			.reason()).isEqualTo("not today");

		CredentialRequest raced = pendingWrite(Duration.ofMinutes(5));
		List<Callable<Answer>> approvals = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			approvals.add(() -> approve(raced));
		}
		List<Integer> statuses = new ArrayList<>();
		try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
			for (Future<Answer> answer : threads.invokeAll(approvals)) {
				statuses.add(answer.get().status());
			}
		}
		assertThat(statuses).as("concurrent approvals").containsOnly(200, 409).filteredOn(s -> s == 200).hasSize(1);
		assertThat(leases(raced.requestId())).isEqualTo(1);
		assertThat(auditKinds(raced.requestId()).stream().filter("decided"::equals)).hasSize(1);
		Await.until(Duration.ofSeconds(10), "the decision published", () -> !events
			.all(CredentialRequestDecided.class, event -> event.requestId().equals(raced.requestId()))
			.isEmpty());
		assertThat(events.all(CredentialRequestDecided.class, event -> event.requestId().equals(raced.requestId())))
			.hasSize(1);
	}

	@Test
	void anotherTenantsRequestsAndLeasesAreNotFound() {
		CredentialRequest request = pendingWrite(Duration.ofMinutes(5));
		CredentialRequest read = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		IssuedCredential credential = api.post("/requests", agent.sign(read)).as(CredentialRequestAnswer.class)
			.credential();
		String stranger = issuer.bearer("other-" + tenant.value(), APPROVE);
		String path = "/requests/" + request.requestId();

		for (Answer answer : List.of(api.get(path, stranger), api.post(path + "/approve", Map.of(), stranger),
				api.post(path + "/deny", Map.of("reason", "mine now"), stranger),
				api.get("/leases/" + credential.leaseId(), stranger),
				api.post("/leases/" + credential.leaseId() + "/revoke", Map.of("reason", "x"), stranger),
				api.get("/requests/not-a-uuid", stranger))) {
			assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
		}
		assertThat(api.get("/requests", stranger).json().get("requests")).isEmpty();
		assertThat(api.get("/leases", stranger).json().get("leases")).isEmpty();
		assertThat(status(request.requestId())).isEqualTo("PENDING");
		assertThat(api.get("/leases/" + credential.leaseId(), operator).json().get("status").asString())
			.isEqualTo("ACTIVE");
	}

	@Test
	void revokedLeaseHandsOutNothingMoreAndIsAnnounced() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		IssuedCredential credential = api.post("/requests", agent.sign(request)).as(CredentialRequestAnswer.class)
			.credential();
		String path = "/leases/" + credential.leaseId() + "/revoke";

		Answer revoked = api.post(path, Map.of("reason", "agent misbehaving"), operator);

		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
		assertThat(revoked.json().get("status").asString()).isEqualTo("REVOKED");
		assertThat(revoked.json().get("revokedBy").asString()).isEqualTo("operator-of-" + tenant.value());
		assertThat(revoked.json().get("reason").asString()).isEqualTo("agent misbehaving");
		CredentialRevoked event = events.await(CredentialRevoked.class,
				e -> e.leaseId().equals(credential.leaseId()));
		assertThat(event.agentId()).isEqualTo(agent.agentId());
		assertThat(event.reason()).isEqualTo("agent misbehaving");

		Answer claim = api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId()));
		Answer renewal = api.post("/leases/" + credential.leaseId() + "/renew", agent.renewal(credential.leaseId()));
		assertThat(claim.status()).isEqualTo(410);
		assertThat(claim.problem()).isEqualTo("lease-ended");
		assertThat(renewal.status()).isEqualTo(410);

		Answer again = api.post(path, Map.of("reason", "again"), operator);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("reason").asString()).as("unchanged").isEqualTo("agent misbehaving");
		assertThat(auditKinds(request.requestId()).stream().filter("revoked"::equals)).hasSize(1);
		assertThat(api.get("/leases?status=ACTIVE", operator).json().get("leases")).isEmpty();
		assertThat(api.get("/leases?status=REVOKED", operator).json().get("leases")).hasSize(1);
	}

	@Test
	void expiredLeaseCannotBeRevoked() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(1));
		IssuedCredential credential = api.post("/requests", agent.sign(request)).as(CredentialRequestAnswer.class)
			.credential();
		clock.advance(Duration.ofMinutes(2));

		assertThat(api.get("/leases?status=EXPIRED", operator).json().get("leases")).as("expired as of now").hasSize(1);
		Answer revoke = api.post("/leases/" + credential.leaseId() + "/revoke", null, operator);

		assertThat(revoke.status()).isEqualTo(409);
		assertThat(revoke.problem()).isEqualTo("lease-ended");
	}

	@Test
	void pendingRequestNobodyDecidesTimesOut() {
		CredentialRequest request = pendingWrite(Duration.ofMinutes(5));

		clock.advance(Duration.ofMinutes(15));

		CredentialRequestDecided decided = events.await(CredentialRequestDecided.class,
				event -> event.requestId().equals(request.requestId()));
		assertThat(decided.status()).isEqualTo(CredentialRequestStatus.TIMED_OUT);
		assertThat(decided.decidedBy()).isEqualTo("timeout");
		assertThat(decided.leaseId()).isNull();
		assertThat(status(request.requestId())).isEqualTo("TIMED_OUT");
		assertThat(approve(request).status()).isEqualTo(409);
		Answer claim = api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId()));
		assertThat(claim.json().get("requestStatus").asString()).isEqualTo("TIMED_OUT");
		Answer retry = api.post("/requests", agent.sign(agent.retry(request)));
		assertThat(retry.as(CredentialRequestAnswer.class).status()).isEqualTo(CredentialRequestStatus.TIMED_OUT);
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided");
		assertThat(leases(request.requestId())).isZero();
	}

	@Test
	void denialNeedsAReasonAndListingsCheckTheirParameters() {
		CredentialRequest request = pendingWrite(Duration.ofMinutes(5));

		Answer noReason = api.post("/requests/" + request.requestId() + "/deny", Map.of(), operator);
		Answer badStatus = api.get("/requests?status=SOMETIMES", operator);
		Answer badLimit = api.get("/leases?limit=501", operator);

		assertThat(noReason.status()).isEqualTo(400);
		assertThat(noReason.problem()).isEqualTo("invalid-request");
		assertThat(badStatus.status()).isEqualTo(400);
		assertThat(badLimit.status()).isEqualTo(400);
		assertThat(status(request.requestId())).isEqualTo("PENDING");
		assertThat(api.get("/requests?status=denied&limit=500", operator).json().get("requests")).isEmpty();
		assertThat(LeaseStatus.values()).hasSize(3);
	}

	private CredentialRequest pendingWrite(Duration ttl) {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:write"), ttl);
		Answer answer = api.post("/requests", agent.sign(request));
		assertThat(answer.as(CredentialRequestAnswer.class).status()).as(answer.toString())
			.isEqualTo(CredentialRequestStatus.PENDING);
		return request;
	}

	private Answer approve(CredentialRequest request) {
		return api.post("/requests/" + request.requestId() + "/approve", Map.of(), operator);
	}

	private String status(CredentialRequestId requestId) {
		return jdbc.queryForObject("select status from credential_requests where request_id = ?", String.class,
				requestId.value());
	}

	private long leases(CredentialRequestId requestId) {
		return jdbc.queryForObject("select count(*) from credential_leases where request_id = ?", Long.class,
				requestId.value());
	}

	private List<String> auditKinds(CredentialRequestId requestId) {
		return jdbc.queryForList("select kind from audit_log where request_id = ? order by seq", String.class,
				requestId.value());
	}
}
