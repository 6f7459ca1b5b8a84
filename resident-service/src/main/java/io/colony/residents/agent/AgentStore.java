package io.colony.residents.agent;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code agents} table. Facts and turns are JSON columns; the processed count is the row's version: a save
 * names the count it read and changes nothing when the row moved on (another owner saved it) or is gone.
 */
@Repository
public class AgentStore {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<LinkedHashMap<String, String>> FACTS = new TypeReference<>() {
	};

	private static final TypeReference<List<Memory.Turn>> TURNS = new TypeReference<>() {
	};

	private final JdbcTemplate jdbc;

	public AgentStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts all of {@code agents} with one multi-row statement, or none of them.
	 *
	 * @throws AgentExists when any id is taken (the caller's transaction must roll back)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	List<Instant> insertAll(TenantId tenant, List<NewAgent> agents) {
		int n = agents.size();
		String[] ids = new String[n];
		String[] types = new String[n];
		String[] summaries = new String[n];
		String[] facts = new String[n];
		for (int i = 0; i < n; i++) {
			NewAgent agent = agents.get(i);
			ids[i] = agent.id().value();
			types[i] = agent.type().name();
			summaries[i] = agent.memory().summary();
			facts[i] = JSON.writeValueAsString(agent.memory().facts());
		}
		List<String> inserted = jdbc.queryForList("""
				insert into agents (tenant, id, type, summary, facts)
				select ?, u.id, u.type, u.summary, u.facts::jsonb
				from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as u(id, type, summary, facts)
				on conflict (tenant, id) do nothing
				returning id
				""", String.class, tenant.value(), ids, types, summaries, facts);
		if (inserted.size() < n) {
			Set<String> fresh = new HashSet<>(inserted);
			List<String> taken = new ArrayList<>();
			int total = 0;
			for (String id : ids) {
				if (!fresh.contains(id)) {
					total++;
					if (taken.size() < 10) {
						taken.add(id);
					}
				}
			}
			throw new AgentExists(taken, total);
		}
		Instant now = jdbc.queryForObject("select now()", Timestamp.class).toInstant();
		return java.util.Collections.nCopies(n, now);
	}

	public boolean exists(TenantId tenant, ResidentId id) {
		return Boolean.TRUE.equals(jdbc.queryForObject(
				"select exists (select 1 from agents where tenant = ? and id = ?)", Boolean.class, tenant.value(),
				id.value()));
	}

	public Optional<StoredAgent> find(TenantId tenant, ResidentId id) {
		return find(jdbc, tenant, id);
	}

	static Optional<StoredAgent> find(JdbcTemplate jdbc, TenantId tenant, ResidentId id) {
		return jdbc.query("""
				select id, type, summary, facts::text as facts, turns::text as turns, processed, created_at,
				       last_active_at
				from agents where tenant = ? and id = ?
				""", AGENT, tenant.value(), id.value()).stream().findFirst();
	}

	/** A page of the tenant's agents ordered by id, after {@code after} (exclusive), without their turns. */
	List<StoredAgent> page(TenantId tenant, String type, String after, int limit) {
		return jdbc.query("""
				select id, type, summary, facts::text as facts, '[]' as turns, processed, created_at, last_active_at
				from agents
				where tenant = ? and (cast(? as text) is null or type = ?) and (cast(? as text) is null or id > ?)
				order by id
				limit ?
				""", AGENT, tenant.value(), type, type, after, after, limit);
	}

	boolean delete(TenantId tenant, ResidentId id) {
		return jdbc.update("delete from agents where tenant = ? and id = ?", tenant.value(), id.value()) == 1;
	}

	/**
	 * Saves the memory after one more processed message, if the row is still at {@code expectedProcessed}.
	 *
	 * @return whether the row was updated ({@code false}: another owner moved it on, or it was deleted)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean saveTurn(TenantId tenant, ResidentId id, long expectedProcessed, Memory memory) {
		return jdbc.update("""
				update agents set summary = ?, facts = cast(? as jsonb), turns = cast(? as jsonb),
				                  processed = processed + 1, last_active_at = now()
				where tenant = ? and id = ? and processed = ?
				""", memory.summary(), JSON.writeValueAsString(memory.facts()), JSON.writeValueAsString(memory.turns()),
				tenant.value(), id.value(), expectedProcessed) == 1;
	}

	private static final RowMapper<StoredAgent> AGENT = (rs, row) -> {
		Timestamp lastActive = rs.getTimestamp("last_active_at");
		Map<String, String> facts = JSON.readValue(rs.getString("facts"), FACTS);
		List<Memory.Turn> turns = JSON.readValue(rs.getString("turns"), TURNS);
		return new StoredAgent(rs.getString("id"), rs.getString("type"),
				new Memory(rs.getString("summary"), facts, turns), rs.getLong("processed"),
				rs.getTimestamp("created_at").toInstant(), lastActive == null ? null : lastActive.toInstant());
	};
}
