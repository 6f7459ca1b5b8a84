package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A live agent instance as the registry lists it.
 *
 * @param keys every public key the agent announced, revoked ones included (with {@code revokedAt})
 */
public record AgentView(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
		int inFlight, String version, Instant registeredAt, Instant lastSeen, Instant expiresAt, List<AgentKey> keys) {

	public AgentView {
		agentTypes = agentTypes == null ? List.of() : List.copyOf(agentTypes);
		keys = keys == null ? List.of() : List.copyOf(keys);
	}

	public AgentView(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
			int inFlight, String version, Instant registeredAt, Instant lastSeen, Instant expiresAt) {
		this(agentId, instance, agentTypes, capacity, inFlight, version, registeredAt, lastSeen, expiresAt, List.of());
	}
}
