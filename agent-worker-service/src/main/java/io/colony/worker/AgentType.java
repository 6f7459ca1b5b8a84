package io.colony.worker;

import io.colony.contracts.Destinations;

/**
 * An agent type this worker serves, declared in configuration rather than coded.
 *
 * @param name what {@code TaskAssigned.agentType} names
 * @param capability the queue ({@code agent.<capability>}) its tasks arrive on; defaults to the name
 * @param systemPrompt the system message of every LLM call for this type
 * @param model the provider's model for this type; blank for the provider's default
 */
public record AgentType(String name, String capability, String systemPrompt, String model) {

	public AgentType {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("an agent type needs a name");
		}
		capability = capability == null || capability.isBlank() ? name : capability;
		if (!Destinations.isValidCapability(capability)) {
			throw new IllegalArgumentException("agent type '" + name + "' has an invalid capability '" + capability
					+ "': use lower-case letters, digits and dashes, 1 to 64 characters, starting with a letter or digit");
		}
		systemPrompt = systemPrompt == null ? "" : systemPrompt;
		model = model == null || model.isBlank() ? null : model;
	}
}
