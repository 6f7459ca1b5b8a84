package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** Reads of the audit tables, and the writes of checkpoints and keys (entries are written by {@link AuditTrail}). */
@Component
class AuditStore {

	/** The chain's head: the last entry's seq and hash, as appends left it. */
	record Head(long seq, String hash) {
	}

	/** How many entries the log holds and the highest seq among them (0 when empty). */
	record Extent(long count, long maxSeq) {
	}

	/** A checkpoint with the hash its entry has in the log now, {@code null} when that entry is gone. */
	record VouchedEntry(AuditCheckpoint checkpoint, String entryHash) {
	}

	private static final RowMapper<AuditCheckpoint> CHECKPOINTS = (rs, row) -> new AuditCheckpoint(rs.getLong("seq"),
			rs.getString("hash"), rs.getObject("signed_at", OffsetDateTime.class).toInstant(), rs.getString("key_id"),
			rs.getString("signature"));

	private final JdbcTemplate jdbc;

	AuditStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Head> head() {
		return jdbc.query("select seq, hash from audit_head where id = 1",
				(rs, row) -> new Head(rs.getLong("seq"), rs.getString("hash"))).stream().findFirst();
	}

	Extent extent() {
		return jdbc.queryForObject("select count(*), coalesce(max(seq), 0) from audit_log",
				(rs, row) -> new Extent(rs.getLong(1), rs.getLong(2)));
	}

	/** Up to {@code limit} entries with {@code afterSeq < seq <= toSeq}, in seq order. */
	List<StoredEntry> entries(long afterSeq, long toSeq, int limit) {
		return jdbc.query("select " + StoredEntry.COLUMNS
				+ " from audit_log where seq > ? and seq <= ? order by seq limit ?", StoredEntry.ROWS, afterSeq, toSeq,
				limit);
	}

	/** Up to {@code limit} of {@code tenant}'s entries after {@code afterSeq}, in seq order. */
	List<StoredEntry> tenantEntries(String tenant, long afterSeq, int limit) {
		return jdbc.query("select " + StoredEntry.COLUMNS
				+ " from audit_log where tenant = ? and seq > ? order by seq limit ?", StoredEntry.ROWS, tenant,
				afterSeq, limit);
	}

	Optional<String> entryHash(long seq) {
		return jdbc.queryForList("select hash from audit_log where seq = ?", String.class, seq).stream().findFirst();
	}

	long checkpointCount() {
		return jdbc.queryForObject("select count(*) from audit_checkpoint", Long.class);
	}

	Optional<AuditCheckpoint> lastCheckpoint() {
		return jdbc.query("select * from audit_checkpoint order by seq desc limit 1", CHECKPOINTS).stream().findFirst();
	}

	/** Up to {@code limit} checkpoints with a seq above {@code afterSeq}, in seq order, each with its entry's hash. */
	List<VouchedEntry> checkpoints(long afterSeq, int limit) {
		return jdbc.query("""
				select c.*, l.hash as entry_hash from audit_checkpoint c left join audit_log l on l.seq = c.seq
				where c.seq > ? order by c.seq limit ?""",
				(rs, row) -> new VouchedEntry(CHECKPOINTS.mapRow(rs, row), rs.getString("entry_hash")), afterSeq,
				limit);
	}

	/** Records a checkpoint; false when one for its seq exists already (another instance signed it first). */
	boolean insert(AuditCheckpoint checkpoint) {
		return jdbc.update("""
				insert into audit_checkpoint (seq, hash, signed_at, key_id, signature) values (?, ?, ?, ?, ?)
				on conflict (seq) do nothing""", checkpoint.seq(), checkpoint.hash(), utc(checkpoint.signedAt()),
				checkpoint.keyId(), checkpoint.signature()) == 1;
	}

	/** Every key that signed or was loaded to sign checkpoints, oldest first. */
	List<AgentKey> keys() {
		return jdbc.query("""
				select key_id, algorithm, public_key, created_at from audit_key order by registered_at, key_id""",
				(rs, row) -> new AgentKey(rs.getString("key_id"), rs.getString("algorithm"), rs.getString("public_key"),
						rs.getObject("created_at", OffsetDateTime.class).toInstant(), null));
	}

	/** Keeps {@code key} for good (idempotent): old checkpoints must stay verifiable after it stops signing. */
	void register(AgentKey key, Instant now) {
		jdbc.update("""
				insert into audit_key (key_id, algorithm, public_key, created_at, registered_at) values (?, ?, ?, ?, ?)
				on conflict (key_id) do nothing""", key.keyId(), key.algorithm(), key.publicKey(),
				utc(key.createdAt()), utc(now));
	}

	static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}
}
