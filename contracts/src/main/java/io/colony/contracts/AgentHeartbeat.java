package io.colony.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker instance is alive. The registry keeps the entry for {@code ttl} after {@code sentAt}; a
 * worker sends one well within that, so a missed beat or two do not expire it.
 *
 * @param instance where the agent runs, e.g. {@code host:pid}
 * @param capacity how many tasks it holds in flight at most
 * @param inFlight how many it holds now
 * @param keys the public keys it signs results with (the newest signs; older ones stay valid until revoked)
 */
public record AgentHeartbeat(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
		int inFlight, String version, Duration ttl, Instant sentAt, List<AgentKey> keys) implements RegistryEvent {

	public AgentHeartbeat {
		agentTypes = agentTypes == null ? List.of() : List.copyOf(agentTypes);
		keys = keys == null ? List.of() : List.copyOf(keys);
	}

	public AgentHeartbeat(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
			int inFlight, String version, Duration ttl, Instant sentAt) {
		this(agentId, instance, agentTypes, capacity, inFlight, version, ttl, sentAt, List.of());
	}
}
