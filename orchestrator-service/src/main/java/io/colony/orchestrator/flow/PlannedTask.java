package io.colony.orchestrator.flow;

import io.colony.contracts.TaskRole;

import java.util.List;
import java.util.UUID;

/**
 * A task of a tracked job as it is stored before it runs.
 *
 * @param content the input content when {@code READY}; for a waiting task with a {@link Gather} of
 * {@code CHILDREN} or {@code COMPOSE} the part of its input that is its own (the node's input, the request)
 * @param stage the pipeline stage (1-based) or the depth of a plan node; 0 for plan and compose tasks
 * @param agent the agent type, {@code null} for the job's
 * @param capability the capability (queue), {@code null} for the job's
 * @param instruction {@code null} for the job's
 * @param ready {@code true}: may run now (subject to the job's concurrency cap); {@code false}: waits on
 * {@code dependsOn}
 */
public record PlannedTask(UUID taskId, String inputId, String content, TaskRole role, int stage,
		List<UUID> dependsOn, Gather gather, String agent, String capability, String instruction, boolean ready) {

	public PlannedTask {
		dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
	}
}
