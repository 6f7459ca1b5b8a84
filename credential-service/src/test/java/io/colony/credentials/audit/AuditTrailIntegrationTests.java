package io.colony.credentials.audit;

import io.colony.platform.testing.Await;
import io.colony.platform.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Appending for real: concurrent writers, the periodic checkpoint, and failing closed, so that no effect commits
 * without its audit entry. The tests share one log, so they look at what they appended, not at absolute seqs.
 */
@SpringBootTest(classes = { AuditTestApplication.class, AuditTrailIntegrationTests.Database.class },
		properties = {
			"colony.credentials.audit.checkpoint-interval=PT0.2S", "colony.credentials.audit.checkpoint-every=0",
			"colony.credentials.audit.head-lock-timeout=PT1S", "colony.outbox.enabled=false" })
@DirtiesContext
class AuditTrailIntegrationTests {

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

	AuditTables tables() {
		return new AuditTables(jdbc, transaction, trail);
	}

	@Test
	void concurrentAppendsFormOneContiguousValidChainThatGetsSigned() throws Exception {
		int threads = 8;
		int perThread = 40;
		long before = tables().headSeq();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<Long>>> appended = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
			for (int t = 0; t < threads; t++) {
				String tenant = "tenant-" + t;
				appended.add(pool.submit(() -> {
					start.await();
					List<Long> seqs = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						seqs.add(tables().append(AuditTables.entry(tenant, i)));
					}
					return seqs;
				}));
			}
			start.countDown();
			List<Long> all = new ArrayList<>();
			for (Future<List<Long>> seqs : appended) {
				List<Long> ofThread = seqs.get(60, TimeUnit.SECONDS);
				assertThat(ofThread).as("each writer sees its own entries in order").isSorted();
				all.addAll(ofThread);
			}
			long after = before + (long) threads * perThread;
			assertThat(all)
				.containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(before + 1, after).boxed().toList());
			assertThat(tables().seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, after).boxed().toList());
			assertThat(tables().headSeq()).isEqualTo(after);

			AuditVerification verification = verifier.verify();
			assertThat(verification.firstBad()).isNull();
			assertThat(verification.valid()).isTrue();
			assertThat(verification.entries()).isEqualTo(after);

			// the periodic checkpoint catches up with the head, and the log it signed still verifies
			AuditVerification signed = Await.untilValue(WAIT, "a checkpoint of entry " + after, verifier::verify,
					v -> v.lastCheckpoint() != null && v.lastCheckpoint().seq() == after);
			assertThat(signed.valid()).isTrue();
			assertThat(signed.lastCheckpoint().hash()).isEqualTo(tables().entry(after).hash());
		}
	}

	@Test
	void whenTheLogRefusesAnEntryTheCallersWorkRollsBackWithIt() {
		jdbc.execute("create table if not exists scratch_effect (id int)");
		jdbc.execute("""
				create or replace function refuse_audit() returns trigger language plpgsql as $$
				begin raise exception 'audit storage refuses writes'; end $$""");
		long headBefore = tables().headSeq();
		jdbc.execute("""
				create trigger refuse_audit before insert on audit_log
				for each row execute function refuse_audit()""");
		try {
			assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
				jdbc.update("insert into scratch_effect (id) values (1)");
				trail.append(AuditTables.entry("acme", 1));
			})).isInstanceOf(DataAccessException.class).hasMessageContaining("audit storage refuses writes");

			assertThat(jdbc.queryForObject("select count(*) from scratch_effect", Long.class)).isZero();
			assertThat(tables().headSeq()).isEqualTo(headBefore);
		}
		finally {
			jdbc.execute("drop trigger refuse_audit on audit_log");
		}
		transaction.executeWithoutResult(status -> {
			jdbc.update("insert into scratch_effect (id) values (2)");
			trail.append(AuditTables.entry("acme", 2));
		});
		assertThat(jdbc.queryForList("select id from scratch_effect", Integer.class)).containsExactly(2);
		assertThat(tables().headSeq()).isEqualTo(headBefore + 1);
		assertThat(verifier.verify().valid()).isTrue();
	}

	@Test
	void anAppendThatCannotGetTheHeadInTimeFailsInsteadOfWaiting() throws Exception {
		jdbc.execute("create table if not exists scratch_stuck (id int)");
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (ExecutorService other = Executors.newSingleThreadExecutor()) {
			// another request appended and has not committed: it holds the head
			Future<Long> holder = other.submit(() -> transaction.execute(status -> {
				long seq = trail.append(AuditTables.entry("acme", 1));
				holding.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return seq;
			}));
			assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
			try {
				assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
					jdbc.update("insert into scratch_stuck (id) values (1)");
					trail.append(AuditTables.entry("acme", 2));
				})).isInstanceOf(DataAccessException.class);
			}
			finally {
				release.countDown();
			}
			long held = holder.get(30, TimeUnit.SECONDS);
			assertThat(jdbc.queryForObject("select count(*) from scratch_stuck", Long.class)).isZero();
			assertThat(tables().headSeq()).isEqualTo(held);
		}
		assertThat(verifier.verify().valid()).isTrue();
	}

	@Test
	void appendingOutsideATransactionIsRefused() {
		long before = tables().headSeq();

		assertThatThrownBy(() -> trail.append(AuditTables.entry("acme", 1)))
			.isInstanceOf(IllegalTransactionStateException.class);
		assertThat(tables().headSeq()).isEqualTo(before);
	}
}
