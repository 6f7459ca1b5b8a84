package io.colony.registry.agents;

import io.colony.contracts.Destinations;

/**
 * Which live agents a query wants. When both are given they must match the same agent type of an agent
 * (type {@code name} serving {@code capability}).
 *
 * @param type an agent type name, or null for any
 * @param capability a capability, or null for any
 */
record AgentFilter(String type, String capability) {

	/** @throws InvalidAgentQuery when a given value cannot match anything by construction */
	AgentFilter {
		if (type != null && (type.isBlank() || type.length() > 200)) {
			throw new InvalidAgentQuery("type must be 1 to 200 characters and not blank");
		}
		if (capability != null && !Destinations.isValidCapability(capability)) {
			throw new InvalidAgentQuery("invalid capability '" + capability
					+ "': use lower-case letters, digits and dashes (1-64 characters)");
		}
	}
}
