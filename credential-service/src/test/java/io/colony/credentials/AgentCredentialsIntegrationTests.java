package io.colony.credentials;

import io.colony.platform.testing.MutableClock;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.Destinations;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.LeaseId;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.signature.Nonces;
import io.colony.credentials.testing.CredentialApi;
import io.colony.credentials.testing.CredentialApi.Answer;
import io.colony.credentials.testing.EventTap;
import io.colony.credentials.testing.TestAgent;
import io.colony.credentials.testing.TestIssuer;
import io.colony.credentials.testing.TestRegistry;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent-facing API against the real database and broker, with a registry stand-in serving agents' keys and a
 * clock the tests move: requests decided by the default policy, retries, claims, renewals up to the maximum
 * lifetime, expiry, signature and replay refusals, and the workers' usage reports.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"colony.credentials.lease-sweep-interval=PT0.2S", "colony.credentials.approval-sweep-interval=PT0.2S",
		// long enough that only the AgentKeyRevoked event can explain a revoked key being refused within the test
		"colony.credentials.agent-key-cache-ttl=PT1H",
		// the database is dropped before the context closes: sweeps then fail fast instead of holding the shutdown
		"spring.datasource.hikari.connection-timeout=1000" })
class AgentCredentialsIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final TestRegistry registry = TestRegistry.start();

	static final TestIssuer issuer = TestIssuer.start();

	static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

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

	@Autowired
	MessagePublisher publisher;

	@Autowired
	Nonces nonces;

	CredentialApi api;

	EventTap events;

	TenantId tenant;

	TestAgent agent;

	@BeforeEach
	void setUp() {
		api = new CredentialApi(port);
		events = EventTap.listen(admin, rabbit);
		String run = UUID.randomUUID().toString().substring(0, 8);
		tenant = TenantId.of("tenant-" + run);
		agent = registered("worker-" + run);
	}

	@Test
	void readScopeIsGrantedAtOnceWithATokenThatVerifiesAgainstTheJwks() throws Exception {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));

		Answer answer = api.post("/requests", agent.sign(request));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		CredentialRequestAnswer granted = answer.as(CredentialRequestAnswer.class);
		assertThat(granted.status()).isEqualTo(CredentialRequestStatus.GRANTED);
		IssuedCredential credential = granted.credential();
		assertThat(credential.tokenType()).isEqualTo("Bearer");
		assertThat(credential.scope()).containsExactly("inventory:read");
		assertThat(credential.audience()).isEqualTo("inventory");
		Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
		assertThat(credential.expiresAt()).isEqualTo(issuedAt.plus(Duration.ofMinutes(5)));
		assertThat(credential.maxExpiresAt()).as("policy max-lifetime of *:read").isEqualTo(issuedAt.plus(Duration.ofHours(1)));

		SignedJWT jwt = SignedJWT.parse(credential.token());
		RSAKey key = (RSAKey) JWKSet.parse(api.get("/jwks", null).text()).getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(jwt.verify(new RSASSAVerifier(key))).as("signed by the key the JWK set publishes").isTrue();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getSubject()).isEqualTo(agent.agentId().value());
		assertThat(claims.getAudience()).containsExactly("inventory");
		assertThat(claims.getStringClaim("scope")).isEqualTo("inventory:read");
		assertThat(claims.getJWTID()).isEqualTo(credential.leaseId().toString());
		assertThat(claims.getStringClaim("tenant")).isEqualTo(tenant.value());
		assertThat(claims.getStringClaim("task")).isEqualTo(request.taskId().toString());
		assertThat(claims.getExpirationTime()).isEqualTo(Date.from(credential.expiresAt()));

		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued");
		assertThat(jdbc.queryForObject("select count(*) from audit_log where position(? in body) > 0", Integer.class,
				credential.token())).as("the token is never stored").isZero();
		CredentialRequestDecided decided = events.await(CredentialRequestDecided.class,
				event -> event.requestId().equals(request.requestId()));
		assertThat(decided.status()).isEqualTo(CredentialRequestStatus.GRANTED);
		assertThat(decided.leaseId()).isEqualTo(credential.leaseId());
		assertThat(decided.decidedBy()).isEqualTo("policy");
		assertThat(decided.expiresAt()).isEqualTo(credential.expiresAt());
	}

	@Test
	void retryAnswersTheCurrentStateButNeverTheTokenAgainWhichAClaimHandsOut() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		IssuedCredential first = api.post("/requests", agent.sign(request)).as(CredentialRequestAnswer.class).credential();

		Answer retried = api.post("/requests", agent.sign(agent.retry(request)));

		assertThat(retried.status()).isEqualTo(200);
		CredentialRequestAnswer again = retried.as(CredentialRequestAnswer.class);
		assertThat(again.status()).isEqualTo(CredentialRequestStatus.GRANTED);
		assertThat(again.credential()).isNull();
		assertThat(retried.text()).doesNotContain(first.token());

		Answer claimed = api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId()));
		assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
		IssuedCredential second = claimed.as(IssuedCredential.class);
		assertThat(second.leaseId()).isEqualTo(first.leaseId());
		assertThat(second.expiresAt()).as("a claim does not extend the lease").isEqualTo(first.expiresAt());
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued", "issued");
		assertThat(count("select count(*) from credential_leases where request_id = ?", request.requestId().value()))
			.isEqualTo(1);
	}

	@Test
	void sameRequestIdWithOtherContentIsAConflict() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		assertThat(api.post("/requests", agent.sign(request)).status()).isEqualTo(200);
		CredentialRequest wider = new CredentialRequest(request.requestId(), request.agentId(), request.tenant(),
				request.jobId(), request.taskId(), request.resource(), List.of("inventory:read", "inventory:write"),
				request.ttl(), request.justification(), UUID.randomUUID().toString(), clock.instant());

		Answer answer = api.post("/requests", agent.sign(wider));

		assertThat(answer.status()).isEqualTo(409);
		assertThat(answer.problem()).isEqualTo("request-conflict");
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued", "rejected");
	}

	@Test
	void replayedMessageIsRefusedAndNothingHappensTwice() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		SignedCredentialRequest signed = agent.sign(request);
		assertThat(api.post("/requests", signed).status()).isEqualTo(200);

		Answer replayed = api.post("/requests", signed);

		assertThat(replayed.status()).isEqualTo(409);
		assertThat(replayed.problem()).isEqualTo("replayed-nonce");
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued", "rejected");
		assertThat(rejectionReasons(request.requestId())).containsExactly("replayed-nonce");
	}

	@Test
	void messagesSignedTooLongAgoOrInTheFutureAreRefused() {
		for (Duration skew : List.of(Duration.ofSeconds(-61), Duration.ofSeconds(61))) {
			CredentialRequest fresh = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
			CredentialRequest stale = new CredentialRequest(fresh.requestId(), fresh.agentId(), fresh.tenant(),
					fresh.jobId(), fresh.taskId(), fresh.resource(), fresh.scope(), fresh.ttl(), fresh.justification(),
					fresh.nonce(), clock.instant().plus(skew));

			Answer answer = api.post("/requests", agent.sign(stale));

			assertThat(answer.status()).as("signed " + skew + " from now").isEqualTo(400);
			assertThat(answer.problem()).isEqualTo("stale-signature");
			assertThat(storedRequest(fresh.requestId())).isZero();
		}
		CredentialRequest edge = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		CredentialRequest justFresh = new CredentialRequest(edge.requestId(), edge.agentId(), edge.tenant(), edge.jobId(),
				edge.taskId(), edge.resource(), edge.scope(), edge.ttl(), edge.justification(), edge.nonce(),
				clock.instant().minusSeconds(60));
		assertThat(api.post("/requests", agent.sign(justFresh)).status()).as("60 s is within the skew").isEqualTo(200);
	}

	@Test
	void wrongKeyUnknownAgentRevokedKeyAndTamperedPayloadAreUnauthorizedAndLeaveOnlyARejection() {
		TestAgent unregisteredKey = agent.withNewKey();
		TestAgent unknownAgent = new TestAgent(AgentId.of("nobody-" + UUID.randomUUID()), clock);
		TestAgent otherAgent = registered("other-" + UUID.randomUUID().toString().substring(0, 8));
		TestAgent impersonator = otherAgent.impersonating(agent.agentId());
		TestAgent revoked = registered("revoked-" + UUID.randomUUID().toString().substring(0, 8));
		registry.revoke(revoked.agentId(), revoked.key().keyId());
		List<SignedCredentialRequest> forged = new ArrayList<>();
		for (TestAgent signer : List.of(unregisteredKey, unknownAgent, impersonator, revoked)) {
			forged.add(signer.sign(signer.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5))));
		}
		SignedCredentialRequest genuine = agent.sign(agent.request(tenant, "inventory", List.of("inventory:read"),
				Duration.ofMinutes(5)));
		CredentialRequest widened = new CredentialRequest(genuine.request().requestId(), agent.agentId(), tenant,
				genuine.request().jobId(), genuine.request().taskId(), "inventory", List.of("inventory:write"),
				genuine.request().ttl(), genuine.request().justification(), genuine.request().nonce(),
				genuine.request().signedAt());
		forged.add(new SignedCredentialRequest(widened, genuine.signature()));
		long rejectedBefore = count("select count(*) from audit_log where kind = 'rejected' and actor = 'unauthenticated'");

		for (SignedCredentialRequest message : forged) {
			Answer answer = api.post("/requests", message);

			assertThat(answer.status()).as(message.request().agentId() + ": " + answer).isEqualTo(401);
			assertThat(answer.problem()).isEqualTo("bad-signature");
			assertThat(storedRequest(message.request().requestId())).isZero();
			assertThat(count("select count(*) from agent_nonces where nonce = ?", message.request().nonce())).isZero();
		}

		assertThat(count("select count(*) from audit_log where kind = 'rejected' and actor = 'unauthenticated'"))
			.isEqualTo(rejectedBefore + forged.size());
		assertThat(count("select count(*) from audit_log where kind = 'rejected' and actor = 'unauthenticated' "
				+ "and (tenant is not null or request_id is not null)"))
			.as("an unauthenticated message names no tenant or request in the log's columns")
			.isZero();
		assertThat(count("select count(*) from credential_leases where tenant = ?", tenant.value())).isZero();
	}

	@Test
	void keyRevokedInTheRegistryIsRefusedAtOnceThroughItsEvent() {
		CredentialRequest before = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		assertThat(api.post("/requests", agent.sign(before)).status()).as("the agent's keys are now cached").isEqualTo(200);

		registry.revoke(agent.agentId(), agent.key().keyId());
		publisher.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED,
				new AgentKeyRevoked(agent.agentId(), agent.key().keyId(), clock.instant()))).join();

		Answer refused = Await.untilValue(Duration.ofSeconds(10), "requests signed with the revoked key refused",
				() -> api.post("/requests", agent.sign(agent.request(tenant, "inventory", List.of("inventory:read"),
						Duration.ofMinutes(5)))),
				answer -> answer.status() != 200);
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.problem()).isEqualTo("bad-signature");
	}

	@Test
	void registryInTroubleMeansTryAgainLaterNotARefusal() {
		TestAgent troubled = registered("troubled-" + UUID.randomUUID().toString().substring(0, 8));
		registry.failFor(troubled.agentId());
		CredentialRequest request = troubled.request(tenant, "inventory", List.of("inventory:read"),
				Duration.ofMinutes(5));

		Answer answer = api.post("/requests", troubled.sign(request));

		assertThat(answer.status()).isEqualTo(503);
		assertThat(answer.problem()).isEqualTo("registry-unavailable");
		assertThat(storedRequest(request.requestId())).isZero();
		assertThat(count("select count(*) from audit_log where body like ?", "%" + troubled.agentId().value() + "%"))
			.as("nothing happened, so nothing is audited")
			.isZero();
	}

	@Test
	void noncesAreForgottenOnceTheirMessageWouldBeStaleAnyway() {
		CredentialRequest old = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		api.post("/requests", agent.sign(old));
		clock.advance(Duration.ofSeconds(30));
		CredentialRequest recent = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		api.post("/requests", agent.sign(recent));
		clock.advance(Duration.ofSeconds(31));

		nonces.purge(clock.instant());

		assertThat(count("select count(*) from agent_nonces where nonce = ?", old.nonce())).isZero();
		assertThat(count("select count(*) from agent_nonces where nonce = ?", recent.nonce())).isEqualTo(1);
		Answer replayedOld = api.post("/requests", agent.sign(old));
		assertThat(replayedOld.problem()).as("the forgotten nonce's message is stale").isEqualTo("stale-signature");
	}

	@Test
	void elevatedScopeIsNeverIssuedWithoutApprovalWhateverTheAgentsTry() {
		TestAgent other = registered("other-" + UUID.randomUUID().toString().substring(0, 8));
		List<CredentialRequest> pending = new ArrayList<>();
		Random random = new Random(42);
		List<Answer> answers = new ArrayList<>();
		for (int attempt = 0; attempt < 400; attempt++) {
			int kind = pending.isEmpty() ? 0 : random.nextInt(8);
			Answer answer = switch (kind) {
				case 0, 1 -> {
					List<String> scope = random.nextBoolean() ? List.of("inventory:write")
							: List.of("inventory:read", "inventory:write");
					CredentialRequest request = agent.request(tenant, "inventory", scope, Duration.ofMinutes(5));
					pending.add(request);
					yield api.post("/requests", agent.sign(request));
				}
				case 2 -> api.post("/requests", agent.sign(agent.retry(pick(random, pending))));
				case 3 -> {
					CredentialRequest request = pick(random, pending);
					yield api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId()));
				}
				case 4 -> {
					CredentialRequest request = pick(random, pending);
					yield api.post("/requests/" + request.requestId() + "/claim", other.claim(request.requestId()));
				}
				case 5 -> {
					CredentialRequestId unknown = CredentialRequestId.random();
					yield api.post("/requests/" + unknown + "/claim", agent.claim(unknown));
				}
				case 6 -> {
					LeaseId guessed = LeaseId.random();
					yield api.post("/leases/" + guessed + "/renew", agent.renewal(guessed));
				}
				default -> {
					CredentialRequest request = pick(random, pending);
					var claim = agent.claim(request.requestId());
					api.post("/requests/" + request.requestId() + "/claim", claim);
					yield api.post("/requests/" + request.requestId() + "/claim", claim);
				}
			};
			answers.add(answer);
			assertThat(answer.status()).as("attempt " + attempt + " (" + kind + "): " + answer).isNotEqualTo(500);
		}

		assertThat(answers).as("no answer carries a token")
			.allSatisfy(answer -> assertThat(answer.text()).doesNotContain("\"token\"").doesNotContain("eyJ"));
		assertThat(answers.stream().filter(answer -> answer.status() == 200).map(Answer::json))
			.allSatisfy(json -> assertThat(json.get("status").asString()).isEqualTo("PENDING"));
		assertThat(count("select count(*) from credential_leases where tenant = ?", tenant.value())).isZero();
		assertThat(count("select count(*) from audit_log where kind = 'issued' and tenant = ?", tenant.value())).isZero();
		assertThat(count("select count(*) from credential_requests where tenant = ? and status <> 'PENDING'",
				tenant.value())).isZero();
		assertThat(events.await(CredentialApprovalRequested.class,
				event -> event.requestId().equals(pending.getFirst().requestId())).scope())
			.isEqualTo(pending.getFirst().scope());
	}

	@Test
	void claimOrRenewalByAnotherAgentIsRefused() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		IssuedCredential credential = api.post("/requests", agent.sign(request))
			.as(CredentialRequestAnswer.class)
			.credential();
		TestAgent other = registered("thief-" + UUID.randomUUID().toString().substring(0, 8));

		Answer claim = api.post("/requests/" + request.requestId() + "/claim", other.claim(request.requestId()));
		Answer renewal = api.post("/leases/" + credential.leaseId() + "/renew", other.renewal(credential.leaseId()));

		assertThat(claim.status()).isEqualTo(403);
		assertThat(claim.problem()).isEqualTo("not-requester");
		assertThat(renewal.status()).isEqualTo(403);
		assertThat(renewal.problem()).isEqualTo("not-lease-holder");
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued", "rejected");
		assertThat(count("select count(*) from audit_log where kind = 'rejected' and tenant = ? and actor = ? "
				+ "and (request_id = ? or lease_id = ?)", tenant.value(), other.agentId().value(),
				request.requestId().value(), credential.leaseId().value()))
			.as("refusals of an authenticated agent land in the victim tenant's log")
			.isEqualTo(2);
	}

	@Test
	void renewalExtendsTheLeaseUntilItsMaximumLifetimeThenStops() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(15));
		IssuedCredential credential = api.post("/requests", agent.sign(request))
			.as(CredentialRequestAnswer.class)
			.credential();
		Instant maxExpiresAt = credential.maxExpiresAt();
		Instant expiresAt = credential.expiresAt();
		int renewals = 0;

		while (expiresAt.isBefore(maxExpiresAt)) {
			clock.advance(Duration.ofMinutes(10));
			Answer answer = api.post("/leases/" + credential.leaseId() + "/renew", agent.renewal(credential.leaseId()));
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			IssuedCredential renewed = answer.as(IssuedCredential.class);
			Instant expected = min(clock.instant().plus(Duration.ofMinutes(15)), maxExpiresAt);
			assertThat(renewed.expiresAt()).isEqualTo(expected);
			assertThat(renewed.maxExpiresAt()).isEqualTo(maxExpiresAt);
			assertThat(renewed.token()).isNotEqualTo(credential.token());
			expiresAt = renewed.expiresAt();
			renewals++;
		}

		Answer atLimit = api.post("/leases/" + credential.leaseId() + "/renew", agent.renewal(credential.leaseId()));
		assertThat(atLimit.status()).isEqualTo(409);
		assertThat(atLimit.problem()).isEqualTo("max-lifetime-reached");
		assertThat(renewals).isEqualTo(5);
		assertThat(auditKinds(request.requestId()).stream().filter("renewed"::equals)).hasSize(renewals);

		clock.advance(Duration.between(clock.instant(), maxExpiresAt));
		Answer after = api.post("/leases/" + credential.leaseId() + "/renew", agent.renewal(credential.leaseId()));
		assertThat(after.status()).isEqualTo(410);
		assertThat(after.problem()).isEqualTo("lease-ended");
		assertThat(api.post("/requests/" + request.requestId() + "/claim", agent.claim(request.requestId())).status())
			.isEqualTo(410);
		Await.until(Duration.ofSeconds(10), "lease marked EXPIRED by the sweeper",
				() -> "EXPIRED".equals(leaseStatus(credential.leaseId())));
		assertThat(jdbc.queryForList("select body from audit_log where lease_id = ? and kind = 'expired'", String.class,
				credential.leaseId().value()))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("maximum lifetime reached");
	}

	@Test
	void leaseWhoseTokenExpiredWithoutRenewalEndsOnce() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(1));
		IssuedCredential credential = api.post("/requests", agent.sign(request))
			.as(CredentialRequestAnswer.class)
			.credential();

		clock.advance(Duration.ofSeconds(61));

		Answer renewal = api.post("/leases/" + credential.leaseId() + "/renew", agent.renewal(credential.leaseId()));
		assertThat(renewal.status()).as("renew before the token expires").isEqualTo(410);
		Await.until(Duration.ofSeconds(10), "lease marked EXPIRED by the sweeper",
				() -> "EXPIRED".equals(leaseStatus(credential.leaseId())));
		assertThat(jdbc.queryForList("select body from audit_log where lease_id = ? and kind = 'expired'", String.class,
				credential.leaseId().value()))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("not renewed before its token expired");
	}

	@Test
	void invalidBodiesAreBadRequestsAndStoreNothing() {
		CredentialRequest valid = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		CredentialRequest wildcard = new CredentialRequest(valid.requestId(), valid.agentId(), valid.tenant(),
				valid.jobId(), valid.taskId(), valid.resource(), List.of("inventory:*"), valid.ttl(),
				valid.justification(), valid.nonce(), valid.signedAt());

		Answer invalid = api.post("/requests", agent.sign(wildcard));
		Answer malformed = api.post("/requests", "{\"request\": {\"requestId\": \"not-a-uuid\"}}");
		Answer notJson = api.post("/requests", "{");
		Answer wrongPath = api.post("/requests/" + CredentialRequestId.random() + "/claim",
				agent.claim(valid.requestId()));

		assertThat(invalid.status()).isEqualTo(400);
		assertThat(invalid.problem()).isEqualTo("invalid-request");
		assertThat(invalid.contentType()).startsWith("application/problem+json");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(notJson.status()).isEqualTo(400);
		assertThat(notJson.problem()).isEqualTo("malformed-request");
		assertThat(wrongPath.status()).isEqualTo(400);
		assertThat(storedRequest(valid.requestId())).isZero();
		assertThat(count("select count(*) from agent_nonces where nonce = ?", valid.nonce())).isZero();
	}

	@Test
	void usageReportsAreAuditedOnceAndReportsOnUnknownLeasesAreDeadLettered() {
		CredentialRequest request = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		IssuedCredential credential = api.post("/requests", agent.sign(request))
			.as(CredentialRequestAnswer.class)
			.credential();
		UUID reportId = UUID.randomUUID();
		CredentialUsed used = new CredentialUsed(credential.leaseId(), tenant, agent.agentId(), request.taskId(),
				"resource_api", CredentialUsed.USED, clock.instant());
		UUID unknownLease = UUID.randomUUID();

		sendUsage(reportId, used);
		sendUsage(reportId, used);
		sendUsage(unknownLease, new CredentialUsed(LeaseId.random(), tenant, agent.agentId(), TaskId.random(),
				"resource_api", CredentialUsed.USED, clock.instant()));
		sendUsage(UUID.randomUUID(), new CredentialUsed(credential.leaseId(), tenant, agent.agentId(),
				request.taskId(), "resource_api", CredentialUsed.REFUSED_REVOKED, clock.instant()));

		Await.until(Duration.ofSeconds(10), "the refusal, sent last, audited",
				() -> auditKinds(request.requestId()).contains("refused-revoked"));
		assertThat(auditKinds(request.requestId())).containsExactly("requested", "decided", "issued", "used",
				"refused-revoked");
		Message dead = Await.untilValue(Duration.ofSeconds(10), "the unknown lease's report dead-lettered",
				() -> rabbit.receive(Destinations.deadLetterQueue(Destinations.CREDENTIALS_USAGE_QUEUE)),
				message -> message != null);
		assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(unknownLease.toString());
		assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get(Headers.DEATH_REASON)))
			.contains("was granted here");
	}

	@Test
	void aJobsLeasesEndWithTheJob() {
		CredentialRequest first = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		CredentialRequest other = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		LeaseId ofTheJob = api.post("/requests", agent.sign(first)).as(CredentialRequestAnswer.class).credential().leaseId();
		LeaseId ofAnotherJob = api.post("/requests", agent.sign(other)).as(CredentialRequestAnswer.class).credential()
			.leaseId();

		JobCompleted ended = new JobCompleted(first.jobId(), tenant, JobStatus.SUCCEEDED, new TaskCounts(1, 1, 0, 0),
				null, null, clock.instant(), null);
		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_COMPLETED, ended)).join();
		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_COMPLETED, ended)).join();

		CredentialRevoked revoked = events.await(CredentialRevoked.class, event -> event.leaseId().equals(ofTheJob));
		assertThat(revoked.revokedBy()).isEqualTo("system");
		assertThat(revoked.reason()).isEqualTo("job ended SUCCEEDED");
		assertThat(leaseStatus(ofTheJob)).isEqualTo("REVOKED");
		assertThat(leaseStatus(ofAnotherJob)).as("another job's lease").isEqualTo("ACTIVE");
		Answer claim = api.post("/requests/" + first.requestId() + "/claim", agent.claim(first.requestId()));
		assertThat(claim.status()).as("its token is not handed out again").isEqualTo(410);

		// the queue is consumed in order: once the other job's end took effect, the duplicate before it was seen too
		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_CANCELLED,
				new JobCancelled(other.jobId(), tenant, "by its owner", clock.instant()))).join();
		Await.until(Duration.ofSeconds(10), "the cancelled job's lease revoked",
				() -> "REVOKED".equals(leaseStatus(ofAnotherJob)));
		assertThat(auditKinds(first.requestId())).as("revoked once, by the job's end")
			.filteredOn("revoked"::equals)
			.hasSize(1);
	}

	private void sendUsage(UUID messageId, CredentialUsed used) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(messageId.toString());
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		rabbit.send(Destinations.CREDENTIALS, Destinations.CREDENTIAL_USED,
				new Message(new MessageCodec().encode(used), properties));
	}

	private TestAgent registered(String agentId) {
		TestAgent registered = new TestAgent(AgentId.of(agentId), clock);
		registry.register(registered.agentId(), registered.key().publicKey());
		return registered;
	}

	private List<String> auditKinds(CredentialRequestId requestId) {
		return jdbc.queryForList("select kind from audit_log where request_id = ? order by seq", String.class,
				requestId.value());
	}

	private List<String> rejectionReasons(CredentialRequestId requestId) {
		return jdbc.queryForList("select body::json ->> 'details' from audit_log where request_id = ? and kind = 'rejected'",
				String.class, requestId.value())
			.stream()
			.map(details -> details.replaceAll(".*\"reason\":\"([^\"]+)\".*", "$1"))
			.toList();
	}

	private long storedRequest(CredentialRequestId requestId) {
		return count("select count(*) from credential_requests where request_id = ?", requestId.value());
	}

	private String leaseStatus(LeaseId leaseId) {
		return jdbc.queryForObject("select status from credential_leases where lease_id = ?", String.class,
				leaseId.value());
	}

	private long count(String sql, Object... arguments) {
		return jdbc.queryForObject(sql, Long.class, arguments);
	}

	private static <T> T pick(Random random, List<T> items) {
		return items.get(random.nextInt(items.size()));
	}

	private static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}
}
