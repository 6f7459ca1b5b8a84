package io.colony.contracts;

import java.time.Instant;

/** A worker instance shut down cleanly; the registry drops its entry at once. */
public record AgentDeparted(AgentId agentId, Instant at) implements RegistryEvent {
}
