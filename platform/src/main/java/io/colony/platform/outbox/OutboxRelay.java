package io.colony.platform.outbox;

import io.colony.platform.messaging.MessagePublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows with publisher confirms and marks them sent in the same transaction that locked
 * them, only for the messages the broker confirmed. Several instances may relay the same table: rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED}. A crash between confirm and commit republishes the row
 * with the same message id, which consumers de-duplicate.
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	private static final String CLAIM = """
			select id, message_id, exchange, routing_key, message_type, payload, tenant, priority,
			       trace_headers::text as trace_headers, created_at
			from colony_outbox
			where sent_at is null and available_at <= now()
			order by id
			limit ?
			for update skip locked
			""";

	private record Row(long id, UUID messageId, String exchange, String routingKey, String type, byte[] payload,
			String tenant, Integer priority, Map<String, String> traceHeaders, Instant createdAt) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final MessagePublisher publisher;

	private final OutboxProperties properties;

	private final Counter published;

	private final LinkedBlockingQueue<Boolean> signal;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile boolean running;

	private final List<Thread> workers = new ArrayList<>();

	private volatile Instant lastCleanup = Instant.EPOCH;

	public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, MessagePublisher publisher,
			OutboxProperties properties, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.publisher = publisher;
		this.properties = properties;
		this.published = Counter.builder("colony.outbox.published").register(meters);
		this.signal = new LinkedBlockingQueue<>(properties.relays());
	}

	/** Makes the relay look for rows now instead of at its next poll. */
	public void wakeUp() {
		for (int i = 0; i < properties.relays(); i++) {
			signal.offer(Boolean.TRUE);
		}
	}

	/** One relay round; returns how many rows it claimed. Public for tests that drive the relay by hand. */
	public int relayOnce() {
		Integer claimed = transactions.execute(status -> {
			List<Row> rows = jdbc.query(CLAIM, (rs, n) -> new Row(rs.getLong("id"), rs.getObject("message_id", UUID.class),
					rs.getString("exchange"), rs.getString("routing_key"), rs.getString("message_type"),
					rs.getBytes("payload"), rs.getString("tenant"), (Integer) rs.getObject("priority", Integer.class),
					json.readValue(rs.getString("trace_headers"), new TypeReference<Map<String, String>>() {
					}), rs.getTimestamp("created_at").toInstant()), properties.batchSize());
			if (rows.isEmpty()) {
				return 0;
			}
			List<CompletableFuture<Void>> confirms = new ArrayList<>(rows.size());
			for (Row row : rows) {
				confirms.add(publish(row));
			}
			List<Long> sent = new ArrayList<>(rows.size());
			List<Long> failed = new ArrayList<>();
			for (int i = 0; i < rows.size(); i++) {
				try {
					confirms.get(i).get();
					sent.add(rows.get(i).id());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					failed.add(rows.get(i).id());
				}
				catch (ExecutionException ex) {
					log.warn("outbox message {} not confirmed, will retry: {}", rows.get(i).messageId(),
							ex.getCause().getMessage());
					failed.add(rows.get(i).id());
				}
			}
			if (!sent.isEmpty()) {
				jdbc.update("update colony_outbox set sent_at = now() where id = any(?)",
						(Object) sent.toArray(Long[]::new));
				published.increment(sent.size());
			}
			if (!failed.isEmpty()) {
				jdbc.update("update colony_outbox set available_at = ? where id = any(?)",
						Timestamp.from(Instant.now().plus(properties.retryDelay())), (Object) failed.toArray(Long[]::new));
			}
			return rows.size();
		});
		return claimed == null ? 0 : claimed;
	}

	private CompletableFuture<Void> publish(Row row) {
		MessageProperties props = new MessageProperties();
		props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		props.setContentEncoding("UTF-8");
		props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		props.setMessageId(row.messageId().toString());
		props.setType(row.type());
		props.setTimestamp(Date.from(row.createdAt()));
		if (row.tenant() != null) {
			props.setHeader(io.colony.platform.messaging.Headers.TENANT, row.tenant());
		}
		if (row.priority() != null) {
			props.setPriority(row.priority());
		}
		row.traceHeaders().forEach(props::setHeader);
		return publisher.publishRaw(row.exchange(), row.routingKey(), new Message(row.payload(), props));
	}

	private void run() {
		while (running) {
			try {
				int claimed = relayOnce();
				if (claimed < properties.batchSize()) {
					signal.poll(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
				}
				cleanUpNowAndThen();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				log.warn("outbox relay round failed, retrying in {}: {}", properties.retryDelay(), ex.toString());
				try {
					Thread.sleep(properties.retryDelay());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void cleanUpNowAndThen() {
		Instant now = Instant.now();
		if (now.isBefore(lastCleanup.plusSeconds(60))) {
			return;
		}
		lastCleanup = now;
		jdbc.update("delete from colony_outbox where sent_at < ?", Timestamp.from(now.minus(properties.retention())));
	}

	/**
	 * Starts {@code colony.outbox.relays} loops. Their rounds overlap, so one round's wait for confirms does
	 * not hold back the next; {@code SKIP LOCKED} keeps the rows they claim disjoint.
	 */
	@Override
	public void start() {
		running = true;
		for (int i = 0; i < properties.relays(); i++) {
			workers.add(Thread.ofPlatform().daemon().name("colony-outbox-relay-" + i).start(this::run));
		}
	}

	@Override
	public void stop() {
		running = false;
		workers.forEach(Thread::interrupt);
		for (Thread worker : workers) {
			try {
				worker.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		workers.clear();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 200;
	}
}
