package io.colony.registry.agents;

import io.colony.contracts.AgentId;

/** No live entry for the agent: it never beat, departed, or its last heartbeat expired. */
final class AgentNotFound extends RuntimeException {

	AgentNotFound(AgentId agentId) {
		super("no live agent '" + agentId + "'");
	}
}
