package io.colony.contracts;

import java.time.Instant;

/**
 * An operator revoked one of an agent's keys through the registry: results signed with it are rejected from
 * now on, wherever they are verified.
 */
public record AgentKeyRevoked(AgentId agentId, String keyId, Instant revokedAt) implements RegistryEvent {
}
