package io.colony.residents;

import io.colony.platform.messaging.ColonyTopology;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How resident agents are sharded and kept in memory.
 *
 * @param shards shard queues ({@code residents.shard.0..shards-1}); every producer and consumer must agree
 * @param prefetch unacknowledged messages per shard consumer: how many of a shard's messages (of different agents)
 * are in progress at once
 * @param idleTimeout an agent without a message for this long is passivated (dropped from memory; its memory is in
 * PostgreSQL after every turn)
 * @param maxActive agents kept in memory at most; above it the least recently used idle ones are passivated
 * @param heapPressure fraction of the maximum heap that live data (the old generation after its last collection) may
 * reach before a quarter of the idle agents (least recently used first) are passivated
 * @param sweepInterval how often idle and surplus agents are looked for
 * @param turnAttempts attempts of one turn (LLM call and save) before its message is given back to the broker
 * @param typesLocation the YAML declaring the resident agent types
 * @param redeliverySettle how long an agent waits before processing a redelivered message, so that the other
 * redelivered messages of the agent (returned together, in no defined order, when a shard's former owner left) are in
 * its mailbox and it can take them in the order they were sent
 * @param activationPool connections of the pool that loads agents on activation (kept apart from the main pool, on
 * which turns commit); 0 reads through the main pool
 */
@ConfigurationProperties("colony.residents")
public record ResidentProperties(int shards, int prefetch, Duration idleTimeout, int maxActive, double heapPressure,
		Duration sweepInterval, int turnAttempts, String typesLocation, Duration redeliverySettle,
		Integer activationPool) {

	public ResidentProperties {
		shards = shards <= 0 ? ColonyTopology.DEFAULT_RESIDENT_SHARDS : shards;
		prefetch = prefetch <= 0 ? 500 : prefetch;
		idleTimeout = idleTimeout == null ? Duration.ofMinutes(5) : idleTimeout;
		maxActive = maxActive <= 0 ? 100_000 : maxActive;
		heapPressure = heapPressure <= 0 || heapPressure > 1 ? 0.85 : heapPressure;
		sweepInterval = sweepInterval == null ? Duration.ofSeconds(5) : sweepInterval;
		turnAttempts = turnAttempts <= 0 ? 3 : turnAttempts;
		typesLocation = typesLocation == null ? "classpath:colony/residents.yml" : typesLocation;
		redeliverySettle = redeliverySettle == null ? Duration.ofMillis(200) : redeliverySettle;
		activationPool = activationPool == null ? 4 : Math.max(0, activationPool);
	}
}
