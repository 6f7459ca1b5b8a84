package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import io.colony.platform.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The audit endpoints as an operator calls them, with a token carrying scope {@code credentials:approve} and a
 * {@code tenant} claim (made by spring-security-test, no issuer needed).
 */
@SpringBootTest(classes = { AuditTestApplication.class, AuditApiIntegrationTests.Database.class },
		properties = {
			"colony.credentials.audit.checkpoint-interval=PT1H", "colony.credentials.audit.checkpoint-every=0",
			"colony.outbox.enabled=false" })
@AutoConfigureMockMvc
@DirtiesContext
class AuditApiIntegrationTests {

	private static final String AUDIT = "/api/v1/credentials/audit";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The audit log needs only its database: nothing here publishes, so no broker vhost. */
	static final TestDatabase database = TestDatabase.create();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		registry.add("COLONY_DB_NAME", database::name);
	}

	/** Drops the database with the context (closed after the class), once its final checkpoint was written. */
	static class Database {

		@Bean(destroyMethod = "close")
		TestDatabase testDatabase() {
			return database;
		}
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	AuditTrail trail;

	@Autowired
	AuditCheckpoints checkpoints;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transaction;

	static RequestPostProcessor operatorOf(String tenant) {
		return jwt().jwt(token -> token.subject("operator-of-" + tenant).claim("tenant", tenant)
			.claim("scope", "credentials:approve"));
	}

	@Test
	void anOperatorReadsItsOwnTenantsEntriesOnlyPageByPage() throws Exception {
		String mine = "mine-" + UUID.randomUUID();
		String theirs = "theirs-" + UUID.randomUUID();
		AuditTables tables = new AuditTables(jdbc, transaction, trail);
		List<Long> minePosted = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			minePosted.add(tables.append(AuditTables.entry(mine, i)));
			tables.append(AuditTables.entry(theirs, i));
		}

		JsonNode all = read(mvc.perform(get(AUDIT).with(operatorOf(mine)))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString());

		JsonNode entries = all.get("entries");
		assertThat(entries.size()).isEqualTo(3);
		List<Long> seqs = new ArrayList<>();
		for (JsonNode entry : entries) {
			seqs.add(entry.get("seq").asLong());
			assertThat(entry.get("tenant").asString()).isEqualTo(mine);
		}
		assertThat(seqs).containsExactlyElementsOf(minePosted);
		JsonNode first = entries.get(0);
		StoredEntry stored = tables.entry(minePosted.getFirst());
		assertThat(first.get("kind").asString()).isEqualTo(stored.kind());
		assertThat(first.get("actor").asString()).isEqualTo("agent-0");
		assertThat(first.get("requestId").asString()).isEqualTo(stored.requestId().toString());
		assertThat(first.get("leaseId").asString()).isEqualTo(stored.leaseId().toString());
		assertThat(Instant.parse(first.get("recordedAt").asString())).isEqualTo(stored.recordedAt());
		assertThat(first.get("hash").asString()).isEqualTo(stored.hash());
		assertThat(first.get("details").get("reason").asString()).isEqualTo("entry number 0");
		assertThat(first.get("details").get("scope").get(1).asString()).isEqualTo("repo:write");

		mvc.perform(get(AUDIT).param("after", String.valueOf(minePosted.get(0)))
			.param("limit", "1")
			.with(operatorOf(mine)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.entries.length()").value(1))
			.andExpect(jsonPath("$.entries[0].seq").value(minePosted.get(1)));
		mvc.perform(get(AUDIT).param("after", String.valueOf(minePosted.get(2))).with(operatorOf(mine)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.entries.length()").value(0));
		mvc.perform(get(AUDIT).with(operatorOf("nobody-" + UUID.randomUUID())))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.entries.length()").value(0));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"limit | 0     | limit must be 1..500",
			"limit | 501   | limit must be 1..500",
			"limit | ten   | limit must be a whole number",
			"after | -1    | after must be 0 or a seq",
			"after | 1.5   | after must be a whole number",
			"after | 99999999999999999999 | after must be a whole number" })
	void aBadParameterIsABadRequestProblem(String parameter, String value, String detail) throws Exception {
		mvc.perform(get(AUDIT).param(parameter, value).with(operatorOf("acme")))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("urn:colony:problem:invalid-audit-query"))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.detail").value(startsWith(detail)));
	}

	@Test
	void aTokenWithoutATenantIsForbidden() throws Exception {
		mvc.perform(get(AUDIT).with(jwt().jwt(token -> token.claim("scope", "credentials:approve"))))
			.andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("urn:colony:problem:no-tenant"));
	}

	@Test
	void verificationAndKeysLetAnOutsiderCheckTheLastCheckpoint() throws Exception {
		new AuditTables(jdbc, transaction, trail).append("acme", 3);
		AuditCheckpoint signed = checkpoints.checkpoint().orElseThrow();

		JsonNode verification = read(mvc.perform(get(AUDIT + "/verify").with(operatorOf("acme")))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString());
		assertThat(verification.get("valid").asBoolean()).isTrue();
		assertThat(verification.get("firstBad").isNull()).isTrue();
		assertThat(verification.get("entries").asLong()).isEqualTo(signed.seq());
		assertThat(verification.get("checkpoints").asLong()).isGreaterThanOrEqualTo(1);
		JsonNode last = verification.get("lastCheckpoint");
		assertThat(last.get("seq").asLong()).isEqualTo(signed.seq());

		// no token: the keys are public
		JsonNode keys = read(mvc.perform(get(AUDIT + "/keys"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString());
		AuditCheckpoint served = new AuditCheckpoint(last.get("seq").asLong(), last.get("hash").asString(),
				Instant.parse(last.get("signedAt").asString()), last.get("keyId").asString(),
				last.get("signature").asString());
		List<AgentKey> servedKeys = new ArrayList<>();
		for (JsonNode key : keys.get("keys")) {
			servedKeys.add(new AgentKey(key.get("keyId").asString(), key.get("algorithm").asString(),
					key.get("publicKey").asString(), Instant.parse(key.get("createdAt").asString()), null));
		}
		assertThat(servedKeys).anySatisfy(key -> assertThat(served.signedBy(key)).isTrue());
	}

	@Test
	void verificationReportsTheFirstBadEntry() throws Exception {
		AuditTables tables = new AuditTables(jdbc, transaction, trail);
		long seq = tables.append("acme", 2);
		tables.tamper("update audit_log set actor = 'someone else' where seq = " + seq);
		try {
			mvc.perform(get(AUDIT + "/verify").with(operatorOf("acme")))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.valid").value(false))
				.andExpect(jsonPath("$.firstBad.seq").value(seq))
				.andExpect(jsonPath("$.firstBad.reason").value("column actor disagrees with the body"));
		}
		finally {
			tables.reset();
		}
	}

	private static JsonNode read(String json) {
		return JSON.readTree(json);
	}
}
