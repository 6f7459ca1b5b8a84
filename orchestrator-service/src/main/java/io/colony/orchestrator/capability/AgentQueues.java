package io.colony.orchestrator.capability;

import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure the work queues of a capability ({@code agent.<capability>} for low and normal tasks,
 * {@code agent.<capability>.high} for high ones) exist before tasks are published for it, so a task is never
 * unroutable when no worker of that capability has started yet; the task then waits in the queue. Each
 * capability is declared once per process.
 */
@Component
public class AgentQueues {

	private final ColonyConsumers consumers;

	private final Set<String> declared = ConcurrentHashMap.newKeySet();

	AgentQueues(ColonyConsumers consumers) {
		this.consumers = consumers;
	}

	/** @throws IllegalArgumentException for an invalid capability name */
	public void ensureQueueFor(String capability) {
		if (declared.contains(capability)) {
			return;
		}
		ColonyTopology.agentQueues(capability).forEach(consumers::declare);
		declared.add(capability);
	}
}
