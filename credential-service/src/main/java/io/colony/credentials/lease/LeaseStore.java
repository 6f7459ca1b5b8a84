package io.colony.credentials.lease;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code credential_leases} table. */
@Repository
class LeaseStore {

	private static final String COLUMNS = """
			lease_id, request_id, tenant, agent_id, task_id, resource, scope, ttl_ms, issued_at, expires_at,
			max_expires_at, status, ended_at, ended_by, reason""";

	private static final RowMapper<LeaseRecord> ROW = LeaseStore::map;

	private final JdbcTemplate jdbc;

	LeaseStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void insert(LeaseRecord lease) {
		jdbc.update("insert into credential_leases (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				lease.leaseId().value(), lease.requestId().value(), lease.tenant().value(), lease.agentId().value(),
				lease.taskId() == null ? null : lease.taskId().value(), lease.resource(),
				lease.scope().toArray(String[]::new), lease.ttl().toMillis(), Timestamp.from(lease.issuedAt()),
				Timestamp.from(lease.expiresAt()), Timestamp.from(lease.maxExpiresAt()), lease.status().name(),
				timestamp(lease.endedAt()), lease.endedBy(), lease.reason());
	}

	Optional<LeaseRecord> find(LeaseId leaseId) {
		return jdbc.query("select " + COLUMNS + " from credential_leases where lease_id = ?", ROW, leaseId.value())
			.stream()
			.findFirst();
	}

	/** Locks the row until the transaction ends, so that claims, renewals, revocations and expiry take turns. */
	Optional<LeaseRecord> findForUpdate(LeaseId leaseId) {
		return jdbc.query("select " + COLUMNS + " from credential_leases where lease_id = ? for update", ROW,
				leaseId.value()).stream().findFirst();
	}

	Optional<LeaseRecord> findForUpdate(LeaseId leaseId, TenantId tenant) {
		return jdbc.query("select " + COLUMNS + " from credential_leases where lease_id = ? and tenant = ? for update",
				ROW, leaseId.value(), tenant.value()).stream().findFirst();
	}

	Optional<LeaseRecord> find(LeaseId leaseId, TenantId tenant) {
		return jdbc.query("select " + COLUMNS + " from credential_leases where lease_id = ? and tenant = ?", ROW,
				leaseId.value(), tenant.value()).stream().findFirst();
	}

	/**
	 * A tenant's leases, newest first. {@code status} is as of {@code now}: an active lease past its token's expiry
	 * counts as {@code EXPIRED}.
	 */
	List<LeaseRecord> list(TenantId tenant, LeaseStatus status, Instant now, int limit) {
		List<Object> arguments = new ArrayList<>(List.of(tenant.value()));
		String where = switch (status) {
			case null -> "";
			case ACTIVE -> " and status = 'ACTIVE' and expires_at > ?";
			case EXPIRED -> " and (status = 'EXPIRED' or (status = 'ACTIVE' and expires_at <= ?))";
			case REVOKED -> " and status = 'REVOKED'";
		};
		if (status == LeaseStatus.ACTIVE || status == LeaseStatus.EXPIRED) {
			arguments.add(Timestamp.from(now));
		}
		arguments.add(limit);
		return jdbc.query("select " + COLUMNS + " from credential_leases where tenant = ?" + where
				+ " order by issued_at desc, lease_id limit ?", ROW, arguments.toArray());
	}

	void renew(LeaseId leaseId, Instant expiresAt) {
		jdbc.update("update credential_leases set expires_at = ? where lease_id = ?", Timestamp.from(expiresAt),
				leaseId.value());
	}

	void end(LeaseId leaseId, LeaseStatus status, Instant endedAt, String endedBy, String reason) {
		jdbc.update("update credential_leases set status = ?, ended_at = ?, ended_by = ?, reason = ? where lease_id = ?",
				status.name(), Timestamp.from(endedAt), endedBy, reason, leaseId.value());
	}

	/**
	 * Locks up to {@code limit} active leases whose token expired by {@code now}, skipping rows another instance or
	 * request holds: they are looked at again in a later sweep.
	 */
	List<LeaseRecord> lockExpired(Instant now, int limit) {
		return jdbc.query("select " + COLUMNS + """
				 from credential_leases where status = 'ACTIVE' and expires_at <= ?
				order by expires_at limit ? for update skip locked""", ROW, Timestamp.from(now), limit);
	}

	/** Locks the active leases granted to tasks of {@code jobId}, skipping rows another transaction holds. */
	List<LeaseRecord> lockActiveOfJob(JobId jobId) {
		return jdbc.query("select " + COLUMNS + """
				 from credential_leases where status = 'ACTIVE' and request_id in
				 (select request_id from credential_requests where job_id = ?)
				for update skip locked""", ROW, jobId.value());
	}

	private static LeaseRecord map(ResultSet rs, int row) throws SQLException {
		UUID taskId = rs.getObject("task_id", UUID.class);
		Timestamp endedAt = rs.getTimestamp("ended_at");
		return new LeaseRecord(new LeaseId(rs.getObject("lease_id", UUID.class)),
				new CredentialRequestId(rs.getObject("request_id", UUID.class)), TenantId.of(rs.getString("tenant")),
				AgentId.of(rs.getString("agent_id")), taskId == null ? null : new TaskId(taskId),
				rs.getString("resource"), strings(rs.getArray("scope")), Duration.ofMillis(rs.getLong("ttl_ms")),
				rs.getTimestamp("issued_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
				rs.getTimestamp("max_expires_at").toInstant(), LeaseStatus.valueOf(rs.getString("status")),
				endedAt == null ? null : endedAt.toInstant(), rs.getString("ended_by"), rs.getString("reason"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : List.of((String[]) array.getArray());
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}
}
