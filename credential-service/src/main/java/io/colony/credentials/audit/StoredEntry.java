package io.colony.credentials.audit;

import org.springframework.jdbc.core.RowMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of {@code audit_log} as stored, columns and all, which verification checks against its body. */
record StoredEntry(long seq, Instant recordedAt, String kind, String tenant, UUID requestId, UUID leaseId,
		String actor, String body, String prevHash, String hash) {

	static final String COLUMNS = "seq, recorded_at, kind, tenant, request_id, lease_id, actor, body, prev_hash, hash";

	static final RowMapper<StoredEntry> ROWS = (rs, row) -> new StoredEntry(rs.getLong("seq"),
			rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), rs.getString("kind"), rs.getString("tenant"),
			rs.getObject("request_id", UUID.class), rs.getObject("lease_id", UUID.class), rs.getString("actor"),
			rs.getString("body"), rs.getString("prev_hash"), rs.getString("hash"));
}
