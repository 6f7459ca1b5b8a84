package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/** A live agent instance as the registry lists it. */
public record AgentView(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
		int inFlight, String version, Instant registeredAt, Instant lastSeen, Instant expiresAt) {

	public AgentView {
		agentTypes = agentTypes == null ? List.of() : List.copyOf(agentTypes);
	}
}
