package io.colony.registry.agents;

/** A registry query with a parameter that is malformed (not merely matching nothing). */
final class InvalidAgentQuery extends RuntimeException {

	InvalidAgentQuery(String reason) {
		super(reason);
	}
}
