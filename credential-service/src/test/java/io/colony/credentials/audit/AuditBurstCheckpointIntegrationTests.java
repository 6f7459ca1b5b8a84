package io.colony.credentials.audit;

import io.colony.platform.testing.Await;
import io.colony.platform.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code checkpoint-every}: a burst of entries is signed as soon as it reaches a multiple, without waiting for the
 * interval (an hour here, so that only the count can have caused a checkpoint).
 */
@SpringBootTest(classes = { AuditTestApplication.class, AuditBurstCheckpointIntegrationTests.Database.class },
		properties = {
			"colony.credentials.audit.checkpoint-interval=PT1H", "colony.credentials.audit.checkpoint-every=25",
			"colony.outbox.enabled=false" })
@DirtiesContext
class AuditBurstCheckpointIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

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
	AuditTrail trail;

	@Autowired
	AuditVerifier verifier;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transaction;

	@Test
	void everyTwentyFifthEntryIsSignedOnceCommitted() {
		AuditTables tables = new AuditTables(jdbc, transaction, trail);
		tables.append("acme", 24);
		// one transaction for 25..30: the request made at 25 runs after the commit, when the head is 30
		transaction.executeWithoutResult(status -> {
			for (int i = 25; i <= 30; i++) {
				trail.append(AuditTables.entry("acme", i));
			}
		});
		Await.until(WAIT, "a checkpoint of entry 30", () -> signedSeqs().contains(30L));

		tables.append("acme", 20);
		Await.until(WAIT, "a checkpoint of entry 50", () -> signedSeqs().contains(50L));

		assertThat(signedSeqs()).containsExactly(30L, 50L);
		AuditVerification verification = verifier.verify();
		assertThat(verification.valid()).isTrue();
		assertThat(verification.lastCheckpoint().seq()).isEqualTo(50);
	}

	private List<Long> signedSeqs() {
		return jdbc.queryForList("select seq from audit_checkpoint order by seq", Long.class);
	}
}
