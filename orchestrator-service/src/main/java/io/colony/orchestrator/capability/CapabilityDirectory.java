package io.colony.orchestrator.capability;

/** Finds the capability that serves an agent type. Never throws: an unreachable registry is an {@link CapabilityAnswer.Unknown}. */
public interface CapabilityDirectory {

	CapabilityAnswer capabilityOf(String agentType);
}
