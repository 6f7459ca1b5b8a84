package io.colony.worker.agent;

import io.colony.contracts.TaskAssigned;
import io.colony.contracts.Usage;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.catalog.CatalogException;
import reactor.core.publisher.Mono;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coded workflows of this worker, by handler name. Built at start-up, and refusing to start when a served agent
 * type names a handler nobody provides.
 */
public final class CodedAgents {

	private final Map<String, CodedAgent> handlers = new LinkedHashMap<>();

	public CodedAgents(Collection<CodedAgent> agents, List<AgentType> served) {
		for (CodedAgent agent : agents) {
			if (handlers.putIfAbsent(agent.handler(), agent) != null) {
				throw new IllegalStateException("two coded agents are named '" + agent.handler() + "'");
			}
		}
		for (AgentType type : served) {
			if (type.handler() != null && !handlers.containsKey(type.handler())) {
				throw new CatalogException("agent type '" + type.name() + "' names handler '" + type.handler()
						+ "', which this worker does not have (it has: " + String.join(", ", handlers.keySet()) + ")");
			}
		}
	}

	/** Runs {@code task} with {@code type}'s handler; {@code type.handler()} must not be {@code null}. */
	public Mono<LoopOutcome> run(TaskAssigned task, AgentType type) {
		CodedAgent agent = handlers.get(type.handler());
		if (agent == null) {
			return Mono.just(new LoopOutcome.Stopped("handler '" + type.handler() + "' is not available", false,
					Usage.NONE, List.of()));
		}
		return agent.run(task, type);
	}
}
