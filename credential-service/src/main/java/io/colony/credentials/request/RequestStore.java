package io.colony.credentials.request;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.policy.PolicyLimits;
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

/** The {@code credential_requests} table. */
@Repository
public class RequestStore {

	private static final String COLUMNS = """
			request_id, tenant, agent_id, job_id, task_id, resource, scope, asked_ttl_ms, justification, fingerprint,
			status, requested_at, times_out_at, max_ttl_ms, max_lifetime_ms, decided_at, decided_by, reason,
			granted_scope, lease_id""";

	private static final RowMapper<CredentialRequestRecord> ROW = RequestStore::map;

	private final JdbcTemplate jdbc;

	RequestStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts {@code request} unless a request with its id exists; returns whether it did. A concurrent insert of
	 * the same id waits for the other transaction and then reports {@code false}.
	 */
	boolean insert(CredentialRequestRecord request) {
		return jdbc.update("insert into credential_requests (" + COLUMNS + """
				) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (request_id) do nothing""", request.requestId().value(), request.tenant().value(),
				request.agentId().value(), request.jobId().value(), request.taskId().value(), request.resource(),
				request.scope().toArray(String[]::new), request.askedTtl().toMillis(), request.justification(),
				request.fingerprint(), request.status().name(), Timestamp.from(request.requestedAt()),
				timestamp(request.timesOutAt()), request.limits() == null ? null : request.limits().maxTtl().toMillis(),
				request.limits() == null ? null : request.limits().maxLifetime().toMillis(),
				timestamp(request.decidedAt()), request.decidedBy(), request.reason(),
				request.grantedScope().toArray(String[]::new),
				request.leaseId() == null ? null : request.leaseId().value()) == 1;
	}

	public Optional<CredentialRequestRecord> find(CredentialRequestId requestId) {
		return jdbc.query("select " + COLUMNS + " from credential_requests where request_id = ?", ROW,
				requestId.value()).stream().findFirst();
	}

	/** Locks the row until the transaction ends: decisions on one request take turns. */
	public Optional<CredentialRequestRecord> findForUpdate(CredentialRequestId requestId) {
		return jdbc.query("select " + COLUMNS + " from credential_requests where request_id = ? for update", ROW,
				requestId.value()).stream().findFirst();
	}

	public Optional<CredentialRequestRecord> find(CredentialRequestId requestId, TenantId tenant) {
		return jdbc.query("select " + COLUMNS + " from credential_requests where request_id = ? and tenant = ?", ROW,
				requestId.value(), tenant.value()).stream().findFirst();
	}

	public Optional<CredentialRequestRecord> findForUpdate(CredentialRequestId requestId, TenantId tenant) {
		return jdbc.query("select " + COLUMNS + " from credential_requests where request_id = ? and tenant = ? for update",
				ROW, requestId.value(), tenant.value()).stream().findFirst();
	}

	/**
	 * A tenant's requests, newest first, optionally only those with {@code status} as of {@code now}: a pending
	 * request past its timeout counts as {@code TIMED_OUT}.
	 */
	public List<CredentialRequestRecord> list(TenantId tenant, CredentialRequestStatus status, Instant now, int limit) {
		List<Object> arguments = new ArrayList<>(List.of(tenant.value()));
		String where = switch (status) {
			case null -> "";
			case PENDING -> " and status = 'PENDING' and times_out_at > ?";
			case TIMED_OUT -> " and (status = 'TIMED_OUT' or (status = 'PENDING' and times_out_at <= ?))";
			case GRANTED -> " and status = 'GRANTED'";
			case DENIED -> " and status = 'DENIED'";
		};
		if (status == CredentialRequestStatus.PENDING || status == CredentialRequestStatus.TIMED_OUT) {
			arguments.add(Timestamp.from(now));
		}
		arguments.add(limit);
		return jdbc.query("select " + COLUMNS + " from credential_requests where tenant = ?" + where
				+ " order by requested_at desc, request_id limit ?", ROW, arguments.toArray());
	}

	/** Records the decision on a pending request (the caller holds its row locked). */
	public void decide(CredentialRequestId requestId, CredentialRequestStatus status, Instant decidedAt,
			String decidedBy, String reason, List<String> grantedScope, LeaseId leaseId) {
		jdbc.update("""
				update credential_requests set status = ?, decided_at = ?, decided_by = ?, reason = ?, granted_scope = ?,
				       lease_id = ?
				where request_id = ? and status = 'PENDING'""", status.name(), Timestamp.from(decidedAt), decidedBy,
				reason, grantedScope.toArray(String[]::new), leaseId == null ? null : leaseId.value(), requestId.value());
	}

	/** Locks up to {@code limit} pending requests due by {@code now}, skipping rows others hold. */
	public List<CredentialRequestRecord> lockTimedOut(Instant now, int limit) {
		return jdbc.query("select " + COLUMNS + """
				 from credential_requests where status = 'PENDING' and times_out_at <= ?
				order by times_out_at limit ? for update skip locked""", ROW, Timestamp.from(now), limit);
	}

	private static CredentialRequestRecord map(ResultSet rs, int row) throws SQLException {
		long maxTtl = rs.getLong("max_ttl_ms");
		PolicyLimits limits = rs.wasNull() ? null
				: new PolicyLimits(Duration.ofMillis(maxTtl), Duration.ofMillis(rs.getLong("max_lifetime_ms")));
		UUID leaseId = rs.getObject("lease_id", UUID.class);
		return new CredentialRequestRecord(new CredentialRequestId(rs.getObject("request_id", UUID.class)),
				TenantId.of(rs.getString("tenant")), AgentId.of(rs.getString("agent_id")),
				new JobId(rs.getObject("job_id", UUID.class)), new TaskId(rs.getObject("task_id", UUID.class)),
				rs.getString("resource"), strings(rs.getArray("scope")), Duration.ofMillis(rs.getLong("asked_ttl_ms")),
				rs.getString("justification"), rs.getString("fingerprint"),
				CredentialRequestStatus.valueOf(rs.getString("status")), instant(rs.getTimestamp("requested_at")),
				instant(rs.getTimestamp("times_out_at")), limits, instant(rs.getTimestamp("decided_at")),
				rs.getString("decided_by"), rs.getString("reason"), strings(rs.getArray("granted_scope")),
				leaseId == null ? null : new LeaseId(leaseId));
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : List.of((String[]) array.getArray());
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}
}
