package io.colony.worker.catalog;

import io.colony.contracts.Destinations;

import java.util.List;

/**
 * An agent type, declared in the catalog rather than coded.
 *
 * @param name what {@code TaskAssigned.agentType} names
 * @param capability the queue ({@code agent.<capability>}) its tasks arrive on; defaults to the name
 * @param description what it is for, for people reading the catalog or the registry
 * @param systemPrompt the system message of every LLM call for this type
 * @param model the catalog model it uses unless a task names another
 * @param tools the tools its loop may call, by name
 * @param limits when its loop stops
 * @param handler the name of a coded workflow ({@code io.colony.worker.agent.CodedAgent}) that runs this type's tasks
 * instead of the LLM loop, e.g. {@code github-pr-review}; {@code null} for the loop
 */
public record AgentType(String name, String capability, String description, String systemPrompt, String model,
		List<String> tools, AgentLimits limits, String handler) {

	public AgentType(String name, String capability, String description, String systemPrompt, String model,
			List<String> tools, AgentLimits limits) {
		this(name, capability, description, systemPrompt, model, tools, limits, null);
	}

	public AgentType {
		if (name == null || !Destinations.isValidCapability(name)) {
			throw new CatalogException("agent type name '" + name
					+ "' is invalid: use lower-case letters, digits and dashes, 1 to 64 characters");
		}
		capability = capability == null || capability.isBlank() ? name : capability;
		if (!Destinations.isValidCapability(capability)) {
			throw new CatalogException("agent type '" + name + "' has an invalid capability '" + capability
					+ "': use lower-case letters, digits and dashes, 1 to 64 characters, starting with a letter or digit");
		}
		description = description == null ? "" : description.strip();
		systemPrompt = systemPrompt == null ? "" : systemPrompt.strip();
		tools = tools == null ? List.of() : List.copyOf(tools);
		limits = limits == null ? AgentLimits.DEFAULTS : limits;
		handler = handler == null || handler.isBlank() ? null : handler.strip();
	}
}
