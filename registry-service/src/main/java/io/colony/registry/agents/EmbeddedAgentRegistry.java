package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry in its own PostgreSQL schema (table {@code agents}). Several registry instances may share
 * it: each write is a single statement, and heartbeats of one agent are ordered by the worker's
 * {@code sentAt}, not by arrival. Liveness is {@link AgentLease#isLive}: {@code expires_at > now}.
 */
final class EmbeddedAgentRegistry implements AgentRegistry {

	private static final TypeReference<List<AgentTypeDescriptor>> AGENT_TYPES = new TypeReference<>() {
	};

	private static final String COLUMNS = """
			agent_id, instance, agent_types::text as agent_types, capacity, in_flight, version,
			registered_at, last_seen, expires_at""";

	/*
	 * registered_at restarts when the stored entry had already expired (the sweeper had not deleted it yet),
	 * so that an agent that was gone does not look as if it had been registered all along.
	 */
	private static final String UPSERT = """
			insert into agents as a (agent_id, instance, agent_types, capacity, in_flight, version,
			                         registered_at, sent_at, last_seen, expires_at)
			values (:agentId, :instance, cast(:agentTypes as jsonb), :capacity, :inFlight, :version,
			        :lastSeen, :sentAt, :lastSeen, :expiresAt)
			on conflict (agent_id) do update set
			    instance = excluded.instance,
			    agent_types = excluded.agent_types,
			    capacity = excluded.capacity,
			    in_flight = excluded.in_flight,
			    version = excluded.version,
			    registered_at = case when a.expires_at <= excluded.last_seen then excluded.registered_at
			                         else a.registered_at end,
			    sent_at = excluded.sent_at,
			    last_seen = excluded.last_seen,
			    expires_at = excluded.expires_at
			where a.sent_at <= excluded.sent_at
			""";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final RowMapper<AgentView> rows = this::agentView;

	EmbeddedAgentRegistry(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	@Override
	public boolean recordHeartbeat(AgentHeartbeat heartbeat, AgentLease lease) {
		return jdbc.sql(UPSERT)
			.param("agentId", heartbeat.agentId().value())
			.param("instance", heartbeat.instance())
			.param("agentTypes", json.writeValueAsString(heartbeat.agentTypes()))
			.param("capacity", heartbeat.capacity())
			.param("inFlight", heartbeat.inFlight())
			.param("version", heartbeat.version())
			.param("sentAt", timestamp(heartbeat.sentAt()))
			.param("lastSeen", timestamp(lease.lastSeen()))
			.param("expiresAt", timestamp(lease.expiresAt()))
			.update() == 1;
	}

	@Override
	public void remove(AgentId agentId, Instant departedAt) {
		if (departedAt == null) {
			jdbc.sql("delete from agents where agent_id = ?").param(agentId.value()).update();
			return;
		}
		jdbc.sql("delete from agents where agent_id = ? and sent_at <= ?")
			.param(agentId.value())
			.param(timestamp(departedAt))
			.update();
	}

	@Override
	public List<AgentView> live(AgentFilter filter, Instant now) {
		Map<String, String> wanted = new LinkedHashMap<>();
		if (filter.type() != null) {
			wanted.put("name", filter.type());
		}
		if (filter.capability() != null) {
			wanted.put("capability", filter.capability());
		}
		if (wanted.isEmpty()) {
			return jdbc.sql("select " + COLUMNS + " from agents where expires_at > ? order by agent_id collate \"C\"")
				.param(timestamp(now))
				.query(rows)
				.list();
		}
		// containment of one object with both keys: the same agent type must have the name and the capability
		return jdbc
			.sql("select " + COLUMNS + " from agents where expires_at > ? and agent_types @> cast(? as jsonb)"
					+ " order by agent_id collate \"C\"")
			.param(timestamp(now))
			.param(json.writeValueAsString(List.of(wanted)))
			.query(rows)
			.list();
	}

	@Override
	public Optional<AgentView> live(AgentId agentId, Instant now) {
		return jdbc.sql("select " + COLUMNS + " from agents where agent_id = ? and expires_at > ?")
			.param(agentId.value())
			.param(timestamp(now))
			.query(rows)
			.optional();
	}

	@Override
	public int removeExpired(Instant now) {
		return jdbc.sql("delete from agents where expires_at <= ?").param(timestamp(now)).update();
	}

	private AgentView agentView(ResultSet rs, int row) throws SQLException {
		return new AgentView(AgentId.of(rs.getString("agent_id")), rs.getString("instance"),
				json.readValue(rs.getString("agent_types"), AGENT_TYPES), rs.getInt("capacity"),
				rs.getInt("in_flight"), rs.getString("version"), instant(rs, "registered_at"),
				instant(rs, "last_seen"), instant(rs, "expires_at"));
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, OffsetDateTime.class).toInstant();
	}
}
