package io.colony.contracts;

import java.time.Instant;

/**
 * An operator asked an agent, through the registry, to make a new key pair and sign with it from now on. The
 * agent announces the new key in its next heartbeat; the old one stays valid until it is revoked.
 */
public record AgentKeyRotationRequested(AgentId agentId, Instant requestedAt) implements RegistryEvent {
}
