package io.colony.platform.outbox;

import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.observability.TraceCarrier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * Appends messages to the service's outbox table inside the caller's transaction. The relay publishes
 * them after commit; if the transaction rolls back, they were never there. Calling this outside a
 * transaction is a programming error.
 */
public class Outbox {

	private static final String INSERT = """
			insert into colony_outbox (message_id, exchange, routing_key, message_type, payload, tenant, priority,
			                           trace_headers, available_at)
			values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), coalesce(?, now()))
			""";

	private final JdbcTemplate jdbc;

	private final MessageCodec codec;

	private final TraceCarrier traceCarrier;

	private final OutboxRelay relay;

	private final JsonMapper json = JsonMapper.builder().build();

	public Outbox(JdbcTemplate jdbc, MessageCodec codec, TraceCarrier traceCarrier, OutboxRelay relay) {
		this.jdbc = jdbc;
		this.codec = codec;
		this.traceCarrier = traceCarrier;
		this.relay = relay;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public void append(OutboxMessage message) {
		appendAll(List.of(message));
	}

	/** Batch insert; thousands of rows go in one round trip per batch. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void appendAll(List<OutboxMessage> messages) {
		if (messages.isEmpty()) {
			return;
		}
		Map<String, String> trace = traceCarrier.capture();
		String traceJson = json.writeValueAsString(trace);
		jdbc.batchUpdate(INSERT, messages, 1000, (statement, message) -> {
			statement.setObject(1, message.messageId());
			statement.setString(2, message.exchange());
			statement.setString(3, message.routingKey());
			statement.setString(4, message.payload().getClass().getSimpleName());
			statement.setBytes(5, codec.encode(message.payload()));
			statement.setString(6, message.tenant() == null ? null : message.tenant().value());
			if (message.priority() == null) {
				statement.setNull(7, Types.SMALLINT);
			}
			else {
				statement.setShort(7, message.priority().shortValue());
			}
			statement.setString(8, traceJson);
			statement.setTimestamp(9, message.availableAt() == null ? null : Timestamp.from(message.availableAt()));
		});
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					relay.wakeUp();
				}
			});
		}
	}
}
