package io.colony.credentials.audit;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit tables as tests use them: appending typical entries, starting over from an empty log, and altering
 * rows the way someone with write access to the database could, append-only triggers switched off as the tables'
 * owner can.
 */
final class AuditTables {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final AuditTrail trail;

	AuditTables(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail trail) {
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.trail = trail;
	}

	/** An entry as the broker writes them, with a lease, details and a tenant. */
	static AuditEntry entry(String tenant, int n) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("scope", List.of("repo:read", "repo:write"));
		details.put("ttl", Duration.ofMinutes(5));
		details.put("reason", "entry number " + n);
		return new AuditEntry(n % 2 == 0 ? "decided" : "requested", tenant == null ? null : TenantId.of(tenant),
				CredentialRequestId.random(), LeaseId.random(), "agent-" + n, details);
	}

	/** Appends {@code entry} in a transaction of its own; its seq. */
	long append(AuditEntry entry) {
		return transaction.execute(status -> trail.append(entry));
	}

	/** Appends {@code count} entries of {@code tenant}, one transaction each; the last seq. */
	long append(String tenant, int count) {
		long seq = 0;
		for (int i = 0; i < count; i++) {
			seq = append(entry(tenant, i));
		}
		return seq;
	}

	/** Runs {@code statements} with the append-only triggers off, then switches them on again. */
	void tamper(String... statements) {
		tamper(() -> {
			for (String statement : statements) {
				jdbc.execute(statement);
			}
		});
	}

	/** Runs {@code changes} with the append-only triggers off, then switches them on again. */
	void tamper(Runnable changes) {
		setTriggers("disable");
		try {
			changes.run();
		}
		finally {
			setTriggers("enable");
		}
	}

	/** An empty log with no checkpoints (the keys stay: they are never removed). */
	void reset() {
		tamper("delete from audit_log", "delete from audit_checkpoint",
				"update audit_head set seq = 0, hash = repeat('0', 64)");
	}

	/** Writes a row directly, its columns taken from {@code body}, as a forger would (no head update, no lock). */
	void insert(long seq, String body, String prevHash, String hash) {
		jdbc.update("""
				insert into audit_log
				    (seq, recorded_at, kind, tenant, request_id, lease_id, actor, body, prev_hash, hash)
				select ?, (b::json ->> 'recordedAt')::timestamptz, b::json ->> 'kind', b::json ->> 'tenant',
				    (b::json ->> 'requestId')::uuid, (b::json ->> 'leaseId')::uuid, b::json ->> 'actor', b, ?, ?
				from (select ?::text as b) forged""", seq, prevHash, hash, body);
	}

	StoredEntry entry(long seq) {
		return jdbc.queryForObject("select " + StoredEntry.COLUMNS + " from audit_log where seq = ?", StoredEntry.ROWS,
				seq);
	}

	List<Long> seqs() {
		return jdbc.queryForList("select seq from audit_log order by seq", Long.class);
	}

	long headSeq() {
		return jdbc.queryForObject("select seq from audit_head", Long.class);
	}

	long checkpointCount() {
		return jdbc.queryForObject("select count(*) from audit_checkpoint", Long.class);
	}

	private void setTriggers(String action) {
		for (String table : List.of("audit_log", "audit_checkpoint", "audit_key")) {
			jdbc.execute("alter table " + table + " " + action + " trigger user");
		}
	}
}
