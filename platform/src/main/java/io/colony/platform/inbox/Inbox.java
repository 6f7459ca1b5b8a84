package io.colony.platform.inbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * De-duplicates deliveries by message id. Call {@link #claim} in the same transaction as the effect: the
 * ids it returns are new and their effect must be applied now; the others were applied before (by this or
 * another instance) and must be skipped. If the transaction rolls back, the claim rolls back with it.
 */
public class Inbox {

	private final JdbcTemplate jdbc;

	public Inbox(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public Set<UUID> claim(String consumer, Collection<UUID> messageIds) {
		if (messageIds.isEmpty()) {
			return Set.of();
		}
		List<UUID> fresh = jdbc.queryForList("""
				insert into colony_inbox (consumer, message_id)
				select ?, id from unnest(?::uuid[]) as id
				on conflict do nothing
				returning message_id
				""", UUID.class, consumer, messageIds.toArray(UUID[]::new));
		return new HashSet<>(fresh);
	}

	/** Forgets ids older than {@code retention}; a redelivery later than that is no longer recognised. */
	public int purgeOlderThan(Duration retention) {
		return jdbc.update("delete from colony_inbox where received_at < ?",
				Timestamp.from(Instant.now().minus(retention)));
	}
}
