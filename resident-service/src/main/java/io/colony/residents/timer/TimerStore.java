package io.colony.residents.timer;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The {@code timers} table; a timer goes with its agent ({@code on delete cascade}). */
@Repository
public class TimerStore {

	private static final String COLUMNS = "id, tenant, agent_id, fire_at, content, extract(epoch from every)::bigint as every_seconds, created_at";

	private final JdbcTemplate jdbc;

	public TimerStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public void insertAll(List<Timer> timers) {
		jdbc.batchUpdate("""
				insert into timers (id, tenant, agent_id, fire_at, content, every)
				values (?, ?, ?, ?, ?, case when ? = 0 then null else make_interval(secs => ?) end)
				""", timers, 1000, (statement, timer) -> {
			long every = timer.every() == null ? 0 : timer.every().toSeconds();
			statement.setObject(1, timer.timerId());
			statement.setString(2, timer.tenant());
			statement.setString(3, timer.agentId());
			statement.setTimestamp(4, Timestamp.from(timer.fireAt()));
			statement.setString(5, timer.content());
			statement.setLong(6, every);
			statement.setLong(7, every);
		});
	}

	public List<Timer> list(TenantId tenant, ResidentId agent) {
		return jdbc.query("select " + COLUMNS + " from timers where tenant = ? and agent_id = ? order by fire_at, id",
				TIMER, tenant.value(), agent.value());
	}

	public int count(TenantId tenant, ResidentId agent) {
		Integer count = jdbc.queryForObject("select count(*) from timers where tenant = ? and agent_id = ?",
				Integer.class, tenant.value(), agent.value());
		return count == null ? 0 : count;
	}

	boolean delete(TenantId tenant, ResidentId agent, UUID timerId) {
		return jdbc.update("delete from timers where tenant = ? and agent_id = ? and id = ?", tenant.value(),
				agent.value(), timerId) == 1;
	}

	/** Due timers, locked for this transaction; timers another instance is firing are skipped. */
	@Transactional(propagation = Propagation.MANDATORY)
	List<Timer> lockDue(int limit) {
		return jdbc.query("select " + COLUMNS
				+ " from timers where fire_at <= now() order by fire_at limit ? for update skip locked", TIMER, limit);
	}

	/** A repeating timer's next time: the first multiple of its interval after now (missed ones are not replayed). */
	@Transactional(propagation = Propagation.MANDATORY)
	void advance(List<Timer> repeating) {
		jdbc.batchUpdate("""
				update timers set fire_at = fire_at + every * (floor(extract(epoch from (now() - fire_at))::double precision
				                                               / extract(epoch from every)::double precision) + 1)
				where id = ?
				""", repeating, 1000, (statement, timer) -> statement.setObject(1, timer.timerId()));
	}

	@Transactional(propagation = Propagation.MANDATORY)
	void deleteAll(List<Timer> fired) {
		jdbc.batchUpdate("delete from timers where id = ?", fired, 1000,
				(statement, timer) -> statement.setObject(1, timer.timerId()));
	}

	private static final RowMapper<Timer> TIMER = (rs, row) -> {
		long every = rs.getLong("every_seconds");
		boolean once = rs.wasNull() || every == 0;
		return new Timer(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getString("agent_id"),
				rs.getTimestamp("fire_at").toInstant(), rs.getString("content"), once ? null : Duration.ofSeconds(every),
				rs.getTimestamp("created_at").toInstant());
	};
}
