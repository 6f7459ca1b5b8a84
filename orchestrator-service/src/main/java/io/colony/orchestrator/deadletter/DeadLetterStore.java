package io.colony.orchestrator.deadletter;

import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Table {@code dead_letters} (V7). Tenant isolation is in every query: a dead letter is visible to its tenant, and
 * one without a tenant header to the operator tenant only.
 */
class DeadLetterStore {

	static final int PREVIEW_BYTES = 4096;

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final String COLUMNS = """
			id, queue, message_id, message_type, tenant, job_id, reason, deliveries, times_dead_lettered,
			first_dead_lettered_at, last_dead_lettered_at, status, discard_reason, resolved_by, resolved_at, replays,
			body_size, body is not null as replayable""";

	private static final String VISIBLE = " (tenant = ? or (tenant is null and ?)) ";

	/**
	 * A redelivery of a dead letter already stored (the keeper crashed between commit and ack) carries the same
	 * death time and changes nothing; the same message dead-lettered again later (after a replay, say) reopens the
	 * row with its new reason and deliveries.
	 */
	private static final String KEEP = """
			insert into dead_letters (id, queue, message_id, original_exchange, original_routing_key, message_type, tenant,
			                          job_id, reason, deliveries, first_dead_lettered_at, last_dead_lettered_at,
			                          properties, headers, body, body_size)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
			on conflict (queue, message_id) do update set
			    reason = excluded.reason, deliveries = excluded.deliveries,
			    times_dead_lettered = dead_letters.times_dead_lettered + 1,
			    last_dead_lettered_at = excluded.last_dead_lettered_at,
			    properties = excluded.properties, headers = excluded.headers, body = excluded.body,
			    body_size = excluded.body_size, tenant = excluded.tenant, job_id = excluded.job_id,
			    status = 'OPEN', discard_reason = null, resolved_by = null, resolved_at = null
			where dead_letters.last_dead_lettered_at <> excluded.last_dead_lettered_at""";

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final String operatorTenant;

	DeadLetterStore(JdbcTemplate jdbc, JsonMapper json, String operatorTenant) {
		this.jdbc = jdbc;
		this.json = json;
		this.operatorTenant = operatorTenant;
	}

	/** Idempotent per (queue, message id, death time). */
	void keep(IncomingDeadLetter letter) {
		jdbc.update(KEEP, UUID.randomUUID(), letter.queue(), letter.messageId(), letter.originalExchange(),
				letter.originalRoutingKey(), letter.type(), letter.tenant(), letter.jobId(), letter.reason(),
				letter.deliveries(), Timestamp.from(letter.deadLetteredAt()), Timestamp.from(letter.deadLetteredAt()),
				json.writeValueAsString(letter.properties()), json.writeValueAsString(letter.headers()), letter.body(),
				letter.bodySize());
	}

	List<DeadLetter> list(DeadLetterFilter filter, TenantId tenant) {
		StringBuilder sql = new StringBuilder("select " + COLUMNS + " from dead_letters where" + VISIBLE);
		List<Object> args = new ArrayList<>(visibility(tenant));
		if (filter.status() != null) {
			sql.append(" and status = ?");
			args.add(filter.status().name());
		}
		if (filter.queue() != null) {
			sql.append(" and queue = ?");
			args.add(filter.queue());
		}
		if (filter.jobId() != null) {
			sql.append(" and job_id = ?");
			args.add(filter.jobId());
		}
		sql.append(" order by last_dead_lettered_at desc, id limit ?");
		args.add(filter.limit());
		return jdbc.query(sql.toString(), summary(), args.toArray());
	}

	Optional<DeadLetter> find(UUID id, TenantId tenant) {
		List<Object> args = new ArrayList<>();
		args.add(id);
		args.addAll(visibility(tenant));
		return jdbc.query("select " + COLUMNS + ", original_exchange, original_routing_key, headers::text as headers, "
				+ "substring(body from 1 for " + (PREVIEW_BYTES + 4) + ") as preview from dead_letters where id = ? and"
				+ VISIBLE, (row, n) -> {
					DeadLetter base = summary().mapRow(row, n);
					byte[] preview = row.getBytes("preview");
					boolean cut = preview != null && base.bodySize() > PREVIEW_BYTES;
					return new DeadLetter(base.id(), base.queue(), base.messageId(), base.type(), base.tenant(),
							base.jobId(), base.reason(), base.deliveries(), base.timesDeadLettered(),
							base.firstDeadLetteredAt(), base.lastDeadLetteredAt(), base.status(), base.discardReason(),
							base.resolvedBy(), base.resolvedAt(), base.replays(), base.bodySize(), base.replayable(),
							row.getString("original_exchange"), row.getString("original_routing_key"),
							json.readValue(row.getString("headers"), MAP), preview == null ? null : preview(preview),
							preview == null ? null : cut);
				}, args.toArray()).stream().findFirst();
	}

	/** The open dead letter with what a replay needs, locked until the transaction ends; empty when not open. */
	Optional<Replayable> lockOpen(UUID id, TenantId tenant) {
		List<Object> args = new ArrayList<>();
		args.add(id);
		args.addAll(visibility(tenant));
		return jdbc.query("select id, queue, message_id, properties::text, headers::text, body from dead_letters "
				+ "where id = ? and status = 'OPEN' and" + VISIBLE + "for update", (row, n) -> new Replayable(
						row.getObject(1, UUID.class), row.getString(2), row.getString(3),
						json.readValue(row.getString(4), MAP), json.readValue(row.getString(5), MAP), row.getBytes(6)),
				args.toArray()).stream().findFirst();
	}

	/** Ids of open dead letters matching {@code filter}, oldest first (replayed in the order they died). */
	List<UUID> openIds(DeadLetterFilter filter, TenantId tenant) {
		StringBuilder sql = new StringBuilder("select id from dead_letters where status = 'OPEN' and" + VISIBLE);
		List<Object> args = new ArrayList<>(visibility(tenant));
		if (filter.queue() != null) {
			sql.append(" and queue = ?");
			args.add(filter.queue());
		}
		if (filter.jobId() != null) {
			sql.append(" and job_id = ?");
			args.add(filter.jobId());
		}
		sql.append(" order by last_dead_lettered_at, id limit ?");
		args.add(filter.limit());
		return jdbc.queryForList(sql.toString(), UUID.class, args.toArray());
	}

	void markReplayed(UUID id, String actor) {
		jdbc.update("""
				update dead_letters set status = 'REPLAYED', resolved_by = ?, resolved_at = now(), replays = replays + 1
				where id = ?""", actor, id);
	}

	/** @return whether an open dead letter visible to {@code tenant} was discarded */
	boolean discard(UUID id, TenantId tenant, String reason, String actor) {
		List<Object> args = new ArrayList<>(List.of(reason, actor, id));
		args.addAll(visibility(tenant));
		return jdbc.update("update dead_letters set status = 'DISCARDED', discard_reason = ?, resolved_by = ?, "
				+ "resolved_at = now() where id = ? and status = 'OPEN' and" + VISIBLE, args.toArray()) == 1;
	}

	/** Open dead letters per work queue, for the gauge. */
	Map<String, Long> openPerQueue() {
		Map<String, Long> counts = new LinkedHashMap<>();
		jdbc.query("select queue, count(*) from dead_letters where status = 'OPEN' group by queue",
				row -> {
					counts.put(row.getString(1), row.getLong(2));
				});
		return counts;
	}

	private List<Object> visibility(TenantId tenant) {
		return List.of(tenant.value(), tenant.value().equals(operatorTenant));
	}

	private static RowMapper<DeadLetter> summary() {
		return (row, n) -> new DeadLetter(row.getObject("id", UUID.class), row.getString("queue"),
				row.getString("message_id"), row.getString("message_type"), row.getString("tenant"),
				row.getObject("job_id", UUID.class), row.getString("reason"), row.getInt("deliveries"),
				row.getInt("times_dead_lettered"), instant(row, "first_dead_lettered_at"),
				instant(row, "last_dead_lettered_at"), DeadLetter.Status.valueOf(row.getString("status")),
				row.getString("discard_reason"), row.getString("resolved_by"), instant(row, "resolved_at"),
				row.getInt("replays"), row.getInt("body_size"), row.getBoolean("replayable"), null, null, null, null,
				null);
	}

	private static Instant instant(ResultSet row, String column) throws SQLException {
		Timestamp timestamp = row.getTimestamp(column);
		return timestamp == null ? null : timestamp.toInstant();
	}

	/** UTF-8, cut at {@link #PREVIEW_BYTES} without splitting a character; undecodable bytes become U+FFFD. */
	static String preview(byte[] bytes) {
		int end = Math.min(bytes.length, PREVIEW_BYTES);
		// step back over continuation bytes so that the cut does not split a multi-byte character
		if (end < bytes.length) {
			int start = end;
			while (start > 0 && (bytes[start] & 0xC0) == 0x80) {
				start--;
			}
			end = start;
		}
		var decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);
		try {
			return decoder.decode(ByteBuffer.wrap(Arrays.copyOf(bytes, end))).toString();
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			return new String(bytes, 0, end, StandardCharsets.UTF_8);
		}
	}

	/** What a replay republishes. */
	record Replayable(UUID id, String queue, String messageId, Map<String, Object> properties,
			Map<String, Object> headers, byte[] body) {
	}
}
