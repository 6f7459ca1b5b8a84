package io.colony.contracts;

/**
 * Bounds on the plan a supervisor makes at run time. {@code null} components take the orchestrator's defaults.
 *
 * @param maxSubtasks how many sub-tasks the whole plan may hold, nested ones included
 * @param maxDepth how deeply sub-tasks may nest ({@code 1}: a flat list)
 */
public record PlanLimits(Integer maxSubtasks, Integer maxDepth) {

	public static final PlanLimits DEFAULTS = new PlanLimits(null, null);
}
