package io.colony.orchestrator.deadletter;

import io.colony.contracts.TenantId;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessagePublisher;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Puts dead letters back where they died, or discards them.
 *
 * <p>A replay publishes the stored body and headers (without the death headers) with the <em>same message id</em>
 * through the default exchange straight to the work queue it died in, with publisher confirms, and marks the row
 * {@code REPLAYED} in the transaction that locked it, after the confirm. Same message id: consumers de-duplicate by
 * it (inbox), so a message that did get processed before it died is not processed twice. Straight to the queue
 * rather than to the exchange it was first published to: a topic exchange would copy it to every other queue bound
 * to that routing key (a failed result reaches both the orchestrator and the aggregator), which did not lose it.
 * At least once: if the commit fails after the confirm, the row stays {@code OPEN} and a second replay sends it
 * again, which the consumers' inbox absorbs.
 */
class DeadLetterReplays {

	/** Headers that describe the death, not the message; a replay starts the message's life afresh. */
	static final Set<String> DEATH_HEADERS = Set.of(IncomingDeadLetter.X_DEATH, "x-first-death-exchange",
			"x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
			"x-last-death-reason", Headers.DELIVERY_COUNT, Headers.DEATH_REASON, Headers.DEATH_QUEUE,
			Headers.DEATH_DELIVERIES, Headers.DEATH_AT);

	private final DeadLetterStore store;

	private final MessagePublisher publisher;

	private final TransactionTemplate transactions;

	private final int replayAllLimit;

	DeadLetterReplays(DeadLetterStore store, MessagePublisher publisher, TransactionTemplate transactions,
			int replayAllLimit) {
		this.store = store;
		this.publisher = publisher;
		this.transactions = transactions;
		this.replayAllLimit = replayAllLimit;
	}

	/**
	 * @throws DeadLetterProblem.NotFound when there is no such dead letter for the tenant
	 * @throws DeadLetterProblem.NotOpen when it was replayed or discarded already
	 * @throws DeadLetterProblem.TooLarge when its body was not stored
	 * @throws DeadLetterProblem.ReplayFailed when the broker did not confirm it
	 */
	void replay(UUID id, TenantId tenant, String actor) {
		transactions.executeWithoutResult(status -> {
			DeadLetterStore.Replayable letter = store.lockOpen(id, tenant).orElseThrow(() -> store.find(id, tenant)
				.<RuntimeException>map(found -> new DeadLetterProblem.NotOpen(id, found.status()))
				.orElseGet(() -> new DeadLetterProblem.NotFound(id)));
			if (letter.body() == null) {
				throw new DeadLetterProblem.TooLarge(id);
			}
			publish(letter);
			store.markReplayed(id, actor);
		});
	}

	/** Replays every open match (up to {@code replay-all-limit}), oldest first, one transaction each. */
	ReplayAll replayAll(String queue, UUID jobId, TenantId tenant, String actor) {
		List<UUID> ids = store.openIds(new DeadLetterFilter(DeadLetter.Status.OPEN, queue, jobId, replayAllLimit),
				tenant);
		int replayed = 0;
		int tooLarge = 0;
		int failed = 0;
		int gone = 0;
		for (UUID id : ids) {
			try {
				replay(id, tenant, actor);
				replayed++;
			}
			catch (DeadLetterProblem.TooLarge ex) {
				tooLarge++;
			}
			catch (DeadLetterProblem.ReplayFailed ex) {
				failed++;
			}
			catch (DeadLetterProblem.NotOpen | DeadLetterProblem.NotFound ex) {
				// replayed or discarded by someone else meanwhile
				gone++;
			}
		}
		return new ReplayAll(ids.size(), replayed, tooLarge, failed, gone, ids.size() == replayAllLimit);
	}

	/**
	 * @throws DeadLetterProblem.NotFound when there is no such dead letter for the tenant
	 * @throws DeadLetterProblem.NotOpen when it was replayed or discarded already
	 */
	void discard(UUID id, TenantId tenant, String reason, String actor) {
		if (!store.discard(id, tenant, reason, actor)) {
			throw store.find(id, tenant)
				.<RuntimeException>map(found -> new DeadLetterProblem.NotOpen(id, found.status()))
				.orElseGet(() -> new DeadLetterProblem.NotFound(id));
		}
	}

	private void publish(DeadLetterStore.Replayable letter) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(letter.messageId().startsWith("sha256:") ? null : letter.messageId());
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		Map<String, Object> stored = letter.properties();
		properties.setContentType(text(stored.get("contentType")));
		properties.setContentEncoding(text(stored.get("contentEncoding")));
		properties.setCorrelationId(text(stored.get("correlationId")));
		properties.setType(text(stored.get("type")));
		properties.setAppId(text(stored.get("appId")));
		if (stored.get("priority") instanceof Number priority) {
			properties.setPriority(priority.intValue());
		}
		if (stored.get("timestamp") instanceof String timestamp) {
			properties.setTimestamp(Date.from(Instant.parse(timestamp)));
		}
		letter.headers().forEach((name, value) -> {
			if (!DEATH_HEADERS.contains(name) && value != null) {
				properties.setHeader(name, value);
			}
		});
		try {
			publisher.publishRaw("", letter.queue(), new Message(letter.body(), properties)).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeadLetterProblem.ReplayFailed(letter.id(), "interrupted");
		}
		catch (ExecutionException ex) {
			throw new DeadLetterProblem.ReplayFailed(letter.id(), String.valueOf(ex.getCause().getMessage()));
		}
	}

	private static String text(Object value) {
		return value == null ? null : value.toString();
	}

	/**
	 * @param matched open dead letters that matched (at most {@code replay-all-limit})
	 * @param more whether the limit was reached, so that more may be open
	 */
	record ReplayAll(int matched, int replayed, int tooLarge, int failed, int alreadyResolved, boolean more) {
	}
}
