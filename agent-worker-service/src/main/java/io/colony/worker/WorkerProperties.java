package io.colony.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What this worker is and how much it holds.
 *
 * @param agentId stable identity of this process in the registry and on its results; blank for
 * {@code worker-<host>-<pid>}
 * @param capacity how many tasks one capability's consumer holds unacknowledged (its prefetch), i.e. how
 * many may wait on the LLM at once; each costs memory, not a thread
 * @param agentTypes the agent types served; by default one, {@code summarizer}
 * @param heartbeatInterval how often presence is announced to the registry
 * @param heartbeatTtl how long the registry keeps this worker after a heartbeat; several intervals
 */
@ConfigurationProperties("colony.worker")
public record WorkerProperties(String agentId, Integer capacity, List<AgentType> agentTypes, Duration heartbeatInterval,
		Duration heartbeatTtl) {

	/** AMQP's prefetch count is an unsigned 16-bit number. */
	static final int MAX_CAPACITY = 65_535;

	static final AgentType SUMMARIZER = new AgentType("summarizer", "summarizer",
			"Summarize the input in one or two sentences. Keep names, numbers and the author's intent; add nothing.",
			null);

	public WorkerProperties {
		agentId = agentId == null || agentId.isBlank() ? null : agentId;
		capacity = capacity == null ? 10_000 : capacity;
		agentTypes = agentTypes == null || agentTypes.isEmpty() ? List.of(SUMMARIZER) : List.copyOf(agentTypes);
		heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(2) : heartbeatInterval;
		heartbeatTtl = heartbeatTtl == null ? Duration.ofSeconds(10) : heartbeatTtl;
		if (capacity < 1 || capacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("colony.worker.capacity must be between 1 and " + MAX_CAPACITY
					+ " (it is the consumer's prefetch count), was " + capacity);
		}
		Set<String> names = new HashSet<>();
		for (AgentType type : agentTypes) {
			if (!names.add(type.name())) {
				throw new IllegalArgumentException("colony.worker.agent-types declares '" + type.name() + "' twice");
			}
		}
		if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
			throw new IllegalArgumentException("colony.worker.heartbeat-interval must be positive");
		}
		if (heartbeatTtl.compareTo(heartbeatInterval) <= 0) {
			throw new IllegalArgumentException("colony.worker.heartbeat-ttl (" + heartbeatTtl
					+ ") must be longer than colony.worker.heartbeat-interval (" + heartbeatInterval + ")");
		}
	}

	/** The distinct capabilities served, in declaration order. */
	public List<String> capabilities() {
		return agentTypes.stream().map(AgentType::capability).distinct().toList();
	}
}
