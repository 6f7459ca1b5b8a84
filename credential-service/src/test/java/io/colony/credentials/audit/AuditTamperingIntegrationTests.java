package io.colony.credentials.audit;

import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each way of altering the log behind the service's back, on a fresh chain of ten entries signed by a checkpoint
 * at entry 10, and what verification says about it. Checkpoints are made by the tests only (the timer is off), so
 * that none appears halfway through a tampering.
 */
@SpringBootTest(classes = { AuditTestApplication.class, AuditTamperingIntegrationTests.Database.class },
		properties = {
			"colony.credentials.audit.checkpoint-interval=PT1H", "colony.credentials.audit.checkpoint-every=0",
			"colony.outbox.enabled=false" })
@DirtiesContext
class AuditTamperingIntegrationTests {

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
	AuditCheckpoints checkpoints;

	@Autowired
	AuditSigningKey signingKey;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transaction;

	AuditTables tables;

	@BeforeEach
	void freshChainOfTenSignedAtTheEnd() {
		tables = new AuditTables(jdbc, transaction, trail);
		tables.reset();
		for (int i = 1; i <= 10; i++) {
			tables.append(AuditTables.entry(i % 3 == 0 ? null : i % 2 == 0 ? "acme" : "globex", i));
		}
		assertThat(checkpoints.checkpoint()).hasValueSatisfying(
				checkpoint -> assertThat(checkpoint.seq()).isEqualTo(10));
	}

	@Test
	void anUntouchedLogIsValid() {
		AuditVerification verification = verifier.verify();

		assertThat(verification.firstBad()).isNull();
		assertThat(verification.valid()).isTrue();
		assertThat(verification.entries()).isEqualTo(10);
		assertThat(verification.checkpoints()).isEqualTo(1);
		assertThat(verification.lastCheckpoint().seq()).isEqualTo(10);
		assertThat(verification.lastCheckpoint().hash()).isEqualTo(tables.entry(10).hash());
		assertThat(verification.lastCheckpoint().keyId()).isEqualTo(signingKey.publicKey().keyId());
	}

	@Test
	void aByteFlippedInABodyIsFoundAtThatEntry() {
		String body = tables.entry(4).body();
		assertThat(body).contains("entry number 4");
		tables.tamper("update audit_log set body = replace(body, 'entry number 4', 'entry number 5') where seq = 4");

		assertFirstBad(4, "hash does not match");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"kind        | kind = 'revoked'",
			"tenant      | tenant = 'mallory'",
			"tenant      | tenant = null",
			"actor       | actor = 'agent-6 '",
			"recorded_at | recorded_at = recorded_at + interval '1 microsecond'",
			"request_id  | request_id = gen_random_uuid()",
			"lease_id    | lease_id = null" })
	void aColumnThatDisagreesWithItsBodyIsFoundAtThatEntry(String column, String assignment) {
		tables.tamper("update audit_log set " + assignment + " where seq = 5");

		assertFirstBad(5, "column " + column + " disagrees with the body");
	}

	@Test
	void aFlippedHashIsFoundAtThatEntry() {
		String hash = tables.entry(6).hash();
		String flipped = (hash.charAt(0) == '0' ? "1" : "0") + hash.substring(1);
		tables.tamper("update audit_log set hash = '" + flipped + "' where seq = 6");

		assertFirstBad(6, "hash does not match");
	}

	@Test
	void aDeletedEntryIsFoundMissing() {
		tables.tamper("delete from audit_log where seq = 5");

		assertFirstBad(5, "entry 5 is missing");
	}

	@Test
	void entriesSwappedAreFoundWhereTheFirstOneWas() {
		tables.tamper("""
				update audit_log a set recorded_at = b.recorded_at, kind = b.kind, tenant = b.tenant,
				    request_id = b.request_id, lease_id = b.lease_id, actor = b.actor, body = b.body,
				    prev_hash = b.prev_hash, hash = b.hash
				from audit_log b where (a.seq, b.seq) in ((4, 5), (5, 4))""");

		assertFirstBad(4, "prev_hash does not match the hash of entry 3");
	}

	@Test
	void anInsertedEntryThatLinksToItsPredecessorIsFoundAtTheEntryAfterIt() {
		// entries 6..10 move up to 7..11 and a well-formed entry 6, chained to entry 5, takes their place
		StoredEntry five = tables.entry(5);
		StoredEntry ten = tables.entry(10);
		String body = AuditChain.body(6, Instant.now().truncatedTo(ChronoUnit.MICROS),
				AuditTables.entry("acme", 99));
		String hash = AuditChain.hash(five.hash(), body);
		tables.tamper(() -> {
			jdbc.update("update audit_log set seq = seq + 1000 where seq > 5");
			jdbc.update("update audit_log set seq = seq - 999 where seq > 1000");
			tables.insert(6, body, five.hash(), hash);
			jdbc.update("update audit_head set seq = 11, hash = ?", ten.hash());
		});
		assertThat(AuditChain.check(tables.entry(6), 6, five.hash())).as("the inserted entry alone looks right")
			.isEmpty();

		assertFirstBad(7, "prev_hash does not match the hash of entry 6");
	}

	@Test
	void anEntryAddedPastTheHeadIsFound() {
		StoredEntry ten = tables.entry(10);
		String body = AuditChain.body(11, Instant.now().truncatedTo(ChronoUnit.MICROS), AuditTables.entry(null, 11));
		tables.insert(11, body, ten.hash(), AuditChain.hash(ten.hash(), body));

		assertFirstBad(11, "written around the chain");
	}

	@Test
	void aTailCutOffBelowACheckpointIsFoundEvenWithTheHeadRewound() {
		StoredEntry seven = tables.entry(7);
		tables.tamper(() -> {
			jdbc.update("delete from audit_log where seq > 7");
			jdbc.update("update audit_head set seq = 7, hash = ?", seven.hash());
		});

		assertFirstBad(8, "entries 8..10 were removed");

		// nor does the service sign the shortened log, before or after new entries are chained onto it
		assertThat(checkpoints.checkpoint()).isEmpty();
		tables.append("acme", 5);
		assertThat(checkpoints.checkpoint()).isEmpty();
		assertThat(tables.checkpointCount()).isEqualTo(1);
		assertFirstBad(10, "is not the one its checkpoint signed");
	}

	@Test
	void aTailCutOffWithTheHeadLeftAsItWasIsFound() {
		tables.tamper("delete from audit_log where seq > 8");

		assertFirstBad(9, "the log ends at entry 8");
	}

	@Test
	void aLogRewrittenWithFreshHashesIsCaughtByItsCheckpoint() {
		// entry 3's actor changed in column and body, and every hash from there on recomputed: a consistent chain
		tables.tamper(() -> {
			String previous = tables.entry(2).hash();
			for (long seq = 3; seq <= 10; seq++) {
				StoredEntry entry = tables.entry(seq);
				String body = seq == 3 ? entry.body().replace("\"agent-3\"", "\"agent-x\"") : entry.body();
				String hash = AuditChain.hash(previous, body);
				jdbc.update("update audit_log set actor = ?, body = ?, prev_hash = ?, hash = ? where seq = ?",
						seq == 3 ? "agent-x" : entry.actor(), body, previous, hash, seq);
				previous = hash;
			}
			jdbc.update("update audit_head set hash = ?", previous);
		});

		assertFirstBad(10, "is not the one its checkpoint signed");
	}

	@Test
	void aCheckpointMovedToMatchAShortenedLogFailsItsSignature() {
		StoredEntry seven = tables.entry(7);
		tables.tamper(() -> {
			jdbc.update("delete from audit_log where seq > 7");
			jdbc.update("update audit_head set seq = 7, hash = ?", seven.hash());
			jdbc.update("update audit_checkpoint set seq = 7, hash = ? where seq = 10", seven.hash());
		});

		AuditVerification verification = assertFirstBad(7,
				"does not verify with key " + signingKey.publicKey().keyId());
		assertThat(verification.lastCheckpoint()).as("a forged checkpoint is nobody's last").isNull();
	}

	@Test
	void aCheckpointWithAFlippedSignatureIsFound() {
		tables.tamper("""
				update audit_checkpoint set signature = translate(signature, 'ABCDEFGHabcdefgh', 'BCDEFGHAbcdefgha')
				where seq = 10""");

		assertFirstBad(10, "forged or altered");
	}

	@Test
	void aCheckpointSignedByAKeyThatNeverSignedCheckpointsIsFound() {
		AgentKeyPair stranger = AgentKeys.generate(Instant.now());
		AuditCheckpoint forged = AuditCheckpoint.sign(8, tables.entry(8).hash(),
				Instant.now().truncatedTo(ChronoUnit.MICROS), stranger);
		jdbc.update("insert into audit_checkpoint (seq, hash, signed_at, key_id, signature) values (?, ?, ?, ?, ?)",
				forged.seq(), forged.hash(), AuditStore.utc(forged.signedAt()), forged.keyId(), forged.signature());

		assertFirstBad(8, "names key " + stranger.keyId() + ", which never signed checkpoints");
	}

	@Test
	void checkpointsOfAnEarlierKeyStillVerify() {
		// another process (or this service before a restart) signed entry 5 with its own key, recorded then
		AgentKeyPair earlier = AgentKeys.generate(Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MICROS));
		AuditCheckpoint old = AuditCheckpoint.sign(5, tables.entry(5).hash(),
				Instant.now().truncatedTo(ChronoUnit.MICROS), earlier);
		transaction.executeWithoutResult(status -> {
			new AuditStore(jdbc).register(earlier.publicKey(), Instant.now());
			new AuditStore(jdbc).insert(old);
		});

		AuditVerification verification = verifier.verify();

		assertThat(verification.firstBad()).isNull();
		assertThat(verification.checkpoints()).isEqualTo(2);
		assertThat(verification.lastCheckpoint().seq()).isEqualTo(10);
	}

	@Test
	void theServiceDoesNotSignATamperedTail() {
		tables.append("acme", 3);
		tables.tamper("update audit_log set body = replace(body, 'entry number 1', 'entry number 7') where seq = 12");

		assertThat(checkpoints.checkpoint()).isEmpty();

		assertThat(tables.checkpointCount()).isEqualTo(1);
		assertFirstBad(12, "hash does not match");
	}

	@Test
	void theAppendOnlyTablesRefuseChanges() {
		List<String> refused = new ArrayList<>();
		for (String statement : List.of("update audit_log set actor = 'x' where seq = 1",
				"delete from audit_log where seq = 10", "truncate audit_log",
				"update audit_checkpoint set hash = repeat('1', 64)", "delete from audit_checkpoint",
				"delete from audit_key")) {
			try {
				jdbc.execute(statement);
			}
			catch (DataAccessException ex) {
				refused.add(statement);
			}
		}

		assertThat(refused).hasSize(6);
		assertThat(verifier.verify().valid()).isTrue();
	}

	private AuditVerification assertFirstBad(long seq, String reason) {
		AuditVerification verification = verifier.verify();
		assertThat(verification.valid()).isFalse();
		assertThat(verification.firstBad()).isNotNull();
		assertThat(verification.firstBad().seq()).as("first bad seq, reason: %s", verification.firstBad().reason())
			.isEqualTo(seq);
		assertThat(verification.firstBad().reason()).contains(reason);
		return verification;
	}
}
