package io.colony.registry.agents;

import io.colony.contracts.AgentId;

/** The agent never announced a key with that id. */
final class AgentKeyNotFound extends RuntimeException {

	AgentKeyNotFound(AgentId agentId, String keyId) {
		super("agent '" + agentId + "' has no key '" + keyId + "'");
	}
}
