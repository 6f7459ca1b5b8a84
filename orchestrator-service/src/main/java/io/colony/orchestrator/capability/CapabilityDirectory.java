package io.colony.orchestrator.capability;

/**
 * Finds the capabilities (queues) that serve an agent type, with their load. Never throws: an unreachable
 * registry is an {@link CapabilityAnswer.Unknown}.
 */
public interface CapabilityDirectory {

	CapabilityAnswer capabilityOf(String agentType);
}
