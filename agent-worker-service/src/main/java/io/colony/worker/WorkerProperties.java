package io.colony.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * What this worker is and how much it holds.
 *
 * @param agentId stable identity of this process in the registry and on its results; blank for
 * {@code worker-<host>-<pid>}
 * @param capacity how many tasks one capability's consumer holds unacknowledged (its prefetch), i.e. how
 * many may wait on the LLM at once; each costs memory, not a thread
 * @param heartbeatInterval how often presence is announced to the registry
 * @param heartbeatTtl how long the registry keeps this worker after a heartbeat; several intervals
 * @param drainTimeout on shutdown, how long tasks already running may take to finish before the rest are
 * handed back to the broker for another worker
 * @param maxRunningTasks how many of the tasks held run their agent loop at once (default 1024, or the capacity
 * when that is smaller; at most the capacity); the rest wait in the worker, high priority first, then normal,
 * then low. Above the providers' adaptive concurrency (at most 256 calls by default), so that in steady state
 * the provider, not this, bounds LLM calls, while tasks busy in tools or waiting for sub-tasks cannot take every
 * slot of a worker
 */
@ConfigurationProperties("colony.worker")
public record WorkerProperties(String agentId, Integer capacity, Duration heartbeatInterval, Duration heartbeatTtl,
		Duration drainTimeout, Integer maxRunningTasks) {

	/** AMQP's prefetch count is an unsigned 16-bit number. */
	static final int MAX_CAPACITY = 65_535;

	static final int DEFAULT_MAX_RUNNING_TASKS = 1024;

	public WorkerProperties {
		agentId = agentId == null || agentId.isBlank() ? null : agentId;
		capacity = capacity == null ? 10_000 : capacity;
		heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(2) : heartbeatInterval;
		heartbeatTtl = heartbeatTtl == null ? Duration.ofSeconds(10) : heartbeatTtl;
		drainTimeout = drainTimeout == null ? Duration.ofSeconds(20) : drainTimeout;
		if (drainTimeout.isNegative()) {
			throw new IllegalArgumentException("colony.worker.drain-timeout must not be negative");
		}
		if (capacity < 1 || capacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("colony.worker.capacity must be between 1 and " + MAX_CAPACITY
					+ " (it is the consumer's prefetch count), was " + capacity);
		}
		maxRunningTasks = maxRunningTasks == null ? Math.min(DEFAULT_MAX_RUNNING_TASKS, capacity) : maxRunningTasks;
		if (maxRunningTasks < 1 || maxRunningTasks > capacity) {
			throw new IllegalArgumentException("colony.worker.max-running-tasks must be between 1 and colony.worker.capacity ("
					+ capacity + "), was " + maxRunningTasks);
		}
		if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
			throw new IllegalArgumentException("colony.worker.heartbeat-interval must be positive");
		}
		if (heartbeatTtl.compareTo(heartbeatInterval) <= 0) {
			throw new IllegalArgumentException("colony.worker.heartbeat-ttl (" + heartbeatTtl
					+ ") must be longer than colony.worker.heartbeat-interval (" + heartbeatInterval + ")");
		}
	}
}
