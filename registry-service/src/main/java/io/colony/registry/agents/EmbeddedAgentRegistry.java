package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The registry in its own PostgreSQL schema (tables {@code agents} and {@code agent_keys}). Several registry instances may share
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

	/* first-seen wins: a key already stored keeps its createdAt and, above all, its revokedAt */
	private static final String INSERT_KEY = """
			insert into agent_keys (agent_id, key_id, algorithm, public_key, created_at)
			values (:agentId, :keyId, :algorithm, :publicKey, :createdAt)
			on conflict (agent_id, key_id) do nothing
			""";

	private static final String KEY_COLUMNS = "agent_id, key_id, algorithm, public_key, created_at, revoked_at";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final RowMapper<AgentView> rows = this::agentView;

	EmbeddedAgentRegistry(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	@Override
	public boolean recordHeartbeat(AgentHeartbeat heartbeat, AgentLease lease) {
		for (AgentKey key : heartbeat.keys()) {
			jdbc.sql(INSERT_KEY)
				.param("agentId", heartbeat.agentId().value())
				.param("keyId", key.keyId())
				.param("algorithm", key.algorithm())
				.param("publicKey", key.publicKey())
				.param("createdAt", key.createdAt() == null ? null : timestamp(key.createdAt()))
				.update();
		}
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
			return withKeys(jdbc
				.sql("select " + COLUMNS + " from agents where expires_at > ? order by agent_id collate \"C\"")
				.param(timestamp(now))
				.query(rows)
				.list());
		}
		// containment of one object with both keys: the same agent type must have the name and the capability
		return withKeys(jdbc
			.sql("select " + COLUMNS + " from agents where expires_at > ? and agent_types @> cast(? as jsonb)"
					+ " order by agent_id collate \"C\"")
			.param(timestamp(now))
			.param(json.writeValueAsString(List.of(wanted)))
			.query(rows)
			.list());
	}

	@Override
	public Optional<AgentView> live(AgentId agentId, Instant now) {
		return jdbc.sql("select " + COLUMNS + " from agents where agent_id = ? and expires_at > ?")
			.param(agentId.value())
			.param(timestamp(now))
			.query(rows)
			.optional()
			.map(view -> withKeys(List.of(view)).getFirst());
	}

	@Override
	public Optional<AgentKey> key(AgentId agentId, String keyId) {
		return jdbc.sql("select " + KEY_COLUMNS + " from agent_keys where agent_id = ? and key_id = ?")
			.param(agentId.value())
			.param(keyId)
			.query((rs, row) -> agentKey(rs))
			.optional();
	}

	@Override
	public boolean revokeKey(AgentId agentId, String keyId, Instant revokedAt) {
		return jdbc.sql("update agent_keys set revoked_at = ? where agent_id = ? and key_id = ? and revoked_at is null")
			.param(timestamp(revokedAt))
			.param(agentId.value())
			.param(keyId)
			.update() == 1;
	}

	@Override
	public int removeExpired(Instant now) {
		return jdbc.sql("delete from agents where expires_at <= ?").param(timestamp(now)).update();
	}

	/** The views with their keys, oldest first (by createdAt, then key id), read in one query. */
	private List<AgentView> withKeys(List<AgentView> views) {
		if (views.isEmpty()) {
			return views;
		}
		Map<String, List<AgentKey>> keys = jdbc
			.sql("select " + KEY_COLUMNS + " from agent_keys where agent_id = any(?)"
					+ " order by created_at nulls first, key_id collate \"C\"")
			.param(views.stream().map(view -> view.agentId().value()).toArray(String[]::new))
			.query((rs, row) -> Map.entry(rs.getString("agent_id"), agentKey(rs)))
			.list()
			.stream()
			.collect(Collectors.groupingBy(Map.Entry::getKey,
					Collectors.mapping(Map.Entry::getValue, Collectors.toCollection(ArrayList::new))));
		return views.stream()
			.map(view -> new AgentView(view.agentId(), view.instance(), view.agentTypes(), view.capacity(),
					view.inFlight(), view.version(), view.registeredAt(), view.lastSeen(), view.expiresAt(),
					keys.getOrDefault(view.agentId().value(), List.of())))
			.toList();
	}

	private static AgentKey agentKey(ResultSet rs) throws SQLException {
		return new AgentKey(rs.getString("key_id"), rs.getString("algorithm"), rs.getString("public_key"),
				nullableInstant(rs, "created_at"), nullableInstant(rs, "revoked_at"));
	}

	private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return value == null ? null : value.toInstant();
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
