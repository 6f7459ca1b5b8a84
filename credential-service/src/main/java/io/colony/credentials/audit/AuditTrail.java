package io.colony.credentials.audit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Appends to the hash-chained audit log, inside the caller's transaction: an effect (a grant, a revocation) and its
 * audit entry commit together or not at all, so when the log cannot be written nothing is issued (fail closed).
 *
 * <p>Each entry's {@code body} is the canonical JSON of its sequence number, time, kind, tenant, ids, actor and
 * details ({@link AuditChain#body}); its hash is SHA-256 over the previous entry's hash and the body. Appends lock
 * the chain's head row, so entries are numbered and chained one at a time across instances, and the lock is held
 * until the caller's transaction ends: append as the last step before commit. An append that cannot get the head
 * within {@code head-lock-timeout} fails rather than waiting on.
 */
@Component
public class AuditTrail {

	private final JdbcTemplate jdbc;

	/** The same data source with a query timeout, for taking the head's lock only. */
	private final JdbcTemplate headLock;

	private final Clock clock;

	private final AuditCheckpoints checkpoints;

	private final int checkpointEvery;

	AuditTrail(JdbcTemplate jdbc, Clock clock, AuditCheckpoints checkpoints, AuditProperties properties) {
		this.jdbc = jdbc;
		this.headLock = new JdbcTemplate(Objects.requireNonNull(jdbc.getDataSource()));
		this.headLock.setQueryTimeout(properties.headLockTimeoutSeconds());
		this.clock = clock;
		this.checkpoints = checkpoints;
		this.checkpointEvery = properties.checkpointEvery();
	}

	/**
	 * Appends {@code entry} and returns its sequence number.
	 *
	 * @throws org.springframework.dao.DataAccessException when the log cannot be written (database away, head lock
	 *     not had in time, the table refusing the row); the caller's transaction then rolls back with it
	 * @throws org.springframework.transaction.IllegalTransactionStateException when called outside a transaction
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public long append(AuditEntry entry) {
		AuditStore.Head head = headLock.queryForObject("select seq, hash from audit_head where id = 1 for update",
				(rs, row) -> new AuditStore.Head(rs.getLong("seq"), rs.getString("hash")));
		long seq = head.seq() + 1;
		// microseconds: what a timestamptz keeps, so that the column and the body agree
		Instant recordedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
		String body = AuditChain.body(seq, recordedAt, entry);
		String hash = AuditChain.hash(head.hash(), body);
		jdbc.update("""
				insert into audit_log
				    (seq, recorded_at, kind, tenant, request_id, lease_id, actor, body, prev_hash, hash)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", seq, AuditStore.utc(recordedAt), entry.kind(),
				entry.tenant() == null ? null : entry.tenant().value(),
				entry.requestId() == null ? null : entry.requestId().value(),
				entry.leaseId() == null ? null : entry.leaseId().value(), entry.actor(), body, head.hash(), hash);
		jdbc.update("update audit_head set seq = ?, hash = ? where id = 1", seq, hash);
		if (checkpointEvery > 0 && seq % checkpointEvery == 0) {
			// signed from the checkpoint thread once committed: this transaction does not wait for it
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					checkpoints.requestCheckpoint();
				}
			});
		}
		return seq;
	}
}
