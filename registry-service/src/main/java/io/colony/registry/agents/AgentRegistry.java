package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentView;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where live agent entries are kept. Selected by {@code colony.registry.backend}; {@code embedded} keeps
 * them in the registry's PostgreSQL schema. Every write is idempotent, so a redelivered message may be
 * applied again.
 */
interface AgentRegistry {

	/**
	 * Creates or refreshes the agent's entry. The first beat (or the first after the entry expired) sets
	 * {@code registeredAt}; later ones keep it. Every key the beat carries is stored once per agent and key
	 * id: the first announcement's {@code createdAt} wins, a revocation is never undone by a later beat, and
	 * keys outlive the entry (expiry, departure) so that a revocation survives the agent's restart under
	 * the same id. Keys are stored even from a beat that is otherwise ignored as out of order.
	 *
	 * @return false when the entry was left as it was because it holds a beat the worker sent later than
	 * {@code heartbeat} (out-of-order delivery)
	 */
	boolean recordHeartbeat(AgentHeartbeat heartbeat, AgentLease lease);

	/**
	 * Drops the agent's entry, unless it holds a beat sent after {@code departedAt} (the agent came back
	 * under the same id).
	 *
	 * @param departedAt when the agent left by its clock, or null to drop the entry in any case
	 */
	void remove(AgentId agentId, Instant departedAt);

	/** Entries live at {@code now} that match {@code filter}, ordered by agent id. */
	List<AgentView> live(AgentFilter filter, Instant now);

	Optional<AgentView> live(AgentId agentId, Instant now);

	/** One stored key of an agent, live or not, revoked or not. */
	Optional<AgentKey> key(AgentId agentId, String keyId);

	/**
	 * Marks a stored key revoked at {@code revokedAt}, unless it already is (the first revocation's instant
	 * stays).
	 *
	 * @return true when this call revoked it; false when it was revoked already or is not stored
	 */
	boolean revokeKey(AgentId agentId, String keyId, Instant revokedAt);

	/** @return how many expired entries were deleted */
	int removeExpired(Instant now);
}
