package io.colony.residents.agent;

import java.time.Instant;

/** An agent as stored: what activation loads and what the API shows. */
public record StoredAgent(String id, String type, Memory memory, long processed, Instant createdAt,
		Instant lastActiveAt) {
}
