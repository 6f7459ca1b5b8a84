package io.colony.registry.agents;

import io.colony.contracts.AgentId;

/** A registry query with a parameter that is malformed (not merely matching nothing). */
final class InvalidAgentQuery extends RuntimeException {

	InvalidAgentQuery(String reason) {
		super(reason);
	}

	/** @throws InvalidAgentQuery when {@code value} is not a valid agent id */
	static AgentId agentId(String value) {
		try {
			return AgentId.of(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAgentQuery(ex.getMessage());
		}
	}
}
