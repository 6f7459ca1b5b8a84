package io.colony.residents.timer;

import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentMessageSent;
import io.colony.contracts.TenantId;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.residents.ResidentProperties;
import io.colony.residents.agent.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns due timers into messages to their agents. One transaction locks a batch of due timers
 * ({@code for update skip locked}, so instances share the work), appends one {@code ResidentMessageSent} per timer to
 * the outbox, and moves repeating timers to their next time or deletes one-shot ones: a timer fires once per due
 * time, whatever crashes or restarts happen around it. The message id is derived from the timer id and its due time,
 * so even a fire replayed by hand is dropped by the agent's inbox.
 */
@Component
class TimerPoller {

	private static final Logger log = LoggerFactory.getLogger(TimerPoller.class);

	private final TimerStore timers;

	private final Outbox outbox;

	private final TransactionTemplate transactions;

	private final TimerProperties properties;

	private final int shards;

	TimerPoller(TimerStore timers, Outbox outbox, PlatformTransactionManager transactionManager,
			TimerProperties properties, ResidentProperties residents) {
		this.timers = timers;
		this.outbox = outbox;
		this.transactions = new TransactionTemplate(transactionManager);
		this.properties = properties;
		this.shards = residents.shards();
	}

	@Scheduled(fixedDelayString = "${colony.residents.timers.poll-interval:PT1S}")
	void fireDueTimers() {
		try {
			int fired;
			do {
				fired = fireBatch();
			}
			while (fired == properties.batchSize());
		}
		catch (RuntimeException ex) {
			log.warn("firing due timers failed, will retry: {}", ex.toString());
		}
	}

	/** @return how many timers fired */
	int fireBatch() {
		Integer fired = transactions.execute(status -> {
			List<Timer> due = timers.lockDue(properties.batchSize());
			if (due.isEmpty()) {
				return 0;
			}
			Instant now = Instant.now();
			List<OutboxMessage> mail = new ArrayList<>(due.size());
			List<Timer> repeating = new ArrayList<>();
			List<Timer> oneShot = new ArrayList<>();
			for (Timer timer : due) {
				UUID messageId = UUID.nameUUIDFromBytes(
						("timer:" + timer.timerId() + ":" + timer.fireAt()).getBytes(StandardCharsets.UTF_8));
				mail.add(Mail.to(new ResidentMessageSent(messageId, ResidentId.of(timer.agentId()),
						TenantId.of(timer.tenant()), timer.content(), ResidentMessageSent.FROM_TIMER, now), shards));
				(timer.every() == null ? oneShot : repeating).add(timer);
			}
			outbox.appendAll(mail);
			timers.advance(repeating);
			timers.deleteAll(oneShot);
			return due.size();
		});
		if (fired != null && fired > 0) {
			log.debug("fired {} timers", fired);
		}
		return fired == null ? 0 : fired;
	}
}
