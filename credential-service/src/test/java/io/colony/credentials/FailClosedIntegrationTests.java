package io.colony.credentials;

import io.colony.platform.testing.MutableClock;
import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.TenantId;
import io.colony.credentials.testing.CredentialApi;
import io.colony.credentials.testing.CredentialApi.Answer;
import io.colony.credentials.testing.TestAgent;
import io.colony.credentials.testing.TestIssuer;
import io.colony.credentials.testing.TestRegistry;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fail closed: while the audit log refuses writes (a trigger raises on every insert), nothing is granted, issued,
 * renewed, revoked or decided and nothing is announced, every such call answers {@code 503 audit-unavailable}; yet
 * refusals still refuse. Once the log takes writes again, the same calls succeed, so nothing was left half done.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		// sweeps stay out of the way: this test drives the clock past nothing it does not check
		"colony.credentials.lease-sweep-interval=PT1H", "colony.credentials.approval-sweep-interval=PT1H",
		"spring.datasource.hikari.connection-timeout=1000" })
class FailClosedIntegrationTests {

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

	CredentialApi api;

	TenantId tenant;

	String operator;

	TestAgent agent;

	@BeforeEach
	void setUp() {
		api = new CredentialApi(port);
		String run = UUID.randomUUID().toString().substring(0, 8);
		tenant = TenantId.of("tenant-" + run);
		operator = issuer.bearer(tenant.value(), "credentials:approve");
		agent = new TestAgent(AgentId.of("worker-" + run), clock);
		registry.register(agent.agentId(), agent.key().publicKey());
	}

	@Test
	void nothingChangesWhileTheAuditLogCannotBeWrittenAndRefusalsStillRefuse() {
		CredentialRequest pending = agent.request(tenant, "inventory", List.of("inventory:write"), Duration.ofMinutes(5));
		assertThat(api.post("/requests", agent.sign(pending)).as(CredentialRequestAnswer.class).status())
			.isEqualTo(CredentialRequestStatus.PENDING);
		CredentialRequest granted = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));
		SignedCredentialRequest grantedMessage = agent.sign(granted);
		IssuedCredential lease = api.post("/requests", grantedMessage).as(CredentialRequestAnswer.class).credential();
		clock.advance(Duration.ofSeconds(30));
		long auditEntries = count("select count(*) from audit_log");
		long outboxRows = count("select count(*) from colony_outbox");
		CredentialRequest fresh = agent.request(tenant, "inventory", List.of("inventory:read"), Duration.ofMinutes(5));

		refuseAuditWrites();
		try {
			List<Answer> failClosed = List.of(api.post("/requests", agent.sign(fresh)),
					api.post("/requests/" + pending.requestId() + "/approve", Map.of(), operator),
					api.post("/requests/" + pending.requestId() + "/deny", Map.of("reason", "no"), operator),
					api.post("/requests/" + granted.requestId() + "/claim", agent.claim(granted.requestId())),
					api.post("/leases/" + lease.leaseId() + "/renew", agent.renewal(lease.leaseId())),
					api.post("/leases/" + lease.leaseId() + "/revoke", Map.of("reason", "x"), operator));
			for (Answer answer : failClosed) {
				assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
				assertThat(answer.problem()).isEqualTo("audit-unavailable");
				assertThat(answer.text()).doesNotContain("eyJ");
			}

			TestAgent forger = agent.withNewKey();
			Answer forged = api.post("/requests", forger.sign(forger.request(tenant, "inventory",
					List.of("inventory:read"), Duration.ofMinutes(5))));
			Answer replayed = api.post("/requests", grantedMessage);
			assertThat(forged.status()).as("a bad signature is refused without its audit entry").isEqualTo(401);
			assertThat(replayed.status()).as("so is a replay").isEqualTo(409);
			assertThat(replayed.problem()).isEqualTo("replayed-nonce");

			assertThat(count("select count(*) from credential_requests where request_id = ?", fresh.requestId().value()))
				.isZero();
			assertThat(count("select count(*) from agent_nonces where nonce = ?", fresh.nonce())).isZero();
			assertThat(count("select count(*) from credential_leases where tenant = ?", tenant.value()))
				.as("no lease beyond the one granted before").isEqualTo(1);
			assertThat(jdbc.queryForObject("select status from credential_requests where request_id = ?", String.class,
					pending.requestId().value())).isEqualTo("PENDING");
			assertThat(jdbc.queryForMap("select status, expires_at from credential_leases where lease_id = ?",
					lease.leaseId().value()))
				.containsEntry("status", "ACTIVE")
				.containsEntry("expires_at", Timestamp.from(lease.expiresAt()));
			assertThat(count("select count(*) from colony_outbox")).as("nothing announced").isEqualTo(outboxRows);
			assertThat(count("select count(*) from audit_log")).isEqualTo(auditEntries);
		}
		finally {
			allowAuditWrites();
		}

		CredentialRequestAnswer retried = api.post("/requests", agent.sign(agent.retry(fresh)))
			.as(CredentialRequestAnswer.class);
		assertThat(retried.status()).isEqualTo(CredentialRequestStatus.GRANTED);
		assertThat(retried.credential()).as("the first attempt left nothing behind: this is its first grant").isNotNull();
		assertThat(api.post("/requests/" + pending.requestId() + "/approve", Map.of(), operator).status()).isEqualTo(200);
		assertThat(api.post("/leases/" + lease.leaseId() + "/renew", agent.renewal(lease.leaseId())).status())
			.isEqualTo(200);
	}

	private void refuseAuditWrites() {
		jdbc.execute("""
				create or replace function refuse_audit_writes() returns trigger language plpgsql as $$
				begin
				    raise exception 'the audit log is read-only in this test';
				end $$""");
		jdbc.execute("""
				create trigger refuse_audit_writes before insert or update on audit_log
				for each row execute function refuse_audit_writes()""");
	}

	private void allowAuditWrites() {
		jdbc.execute("drop trigger if exists refuse_audit_writes on audit_log");
	}

	private long count(String sql, Object... arguments) {
		return jdbc.queryForObject(sql, Long.class, arguments);
	}
}
