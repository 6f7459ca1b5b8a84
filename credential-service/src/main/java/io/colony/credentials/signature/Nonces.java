package io.colony.credentials.signature;

import io.colony.contracts.AgentId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * The nonces agents used, per agent, in PostgreSQL so that every instance sees them. A nonce is remembered until
 * {@code signedAt + signature-max-skew}: after that a message carrying it is refused as stale anyway.
 */
@Component
public class Nonces {

	private final JdbcTemplate jdbc;

	private final SignatureProperties properties;

	Nonces(JdbcTemplate jdbc, SignatureProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * Records {@code nonce} as used by {@code agentId}, in the caller's transaction: if the transaction rolls back,
	 * the nonce may be used again. A concurrent transaction using the same nonce waits for this one and then fails.
	 *
	 * @throws ReplayedNonce when the agent used it before
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void consume(AgentId agentId, String nonce, Instant signedAt) {
		int inserted = jdbc.update("""
				insert into agent_nonces (agent_id, nonce, expires_at) values (?, ?, ?)
				on conflict do nothing""", agentId.value(), nonce,
				Timestamp.from(signedAt.plus(properties.signatureMaxSkew())));
		if (inserted == 0) {
			throw new ReplayedNonce(nonce);
		}
	}

	/** Forgets nonces that can no longer be replayed at {@code now}; returns how many. */
	public int purge(Instant now) {
		return jdbc.update("delete from agent_nonces where expires_at < ?", Timestamp.from(now));
	}
}
