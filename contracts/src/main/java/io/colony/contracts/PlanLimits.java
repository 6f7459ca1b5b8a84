package io.colony.contracts;

/**
 * Bounds on the plan a supervisor makes at run time. {@code null} components take the orchestrator's defaults.
 *
 * @param maxSubtasks how many sub-tasks the whole plan may hold, nested ones included
 * @param maxDepth how deeply sub-tasks may nest ({@code 1}: a flat list)
 */
public record PlanLimits(Integer maxSubtasks, Integer maxDepth) {

	public static final PlanLimits DEFAULTS = new PlanLimits(null, null);

	/** The largest {@code maxSubtasks} a job may ask for; the gateway and the orchestrator both refuse more. */
	public static final int MAX_SUBTASKS = 50;

	/** The largest {@code maxDepth} a job may ask for. */
	public static final int MAX_DEPTH = 3;

	/** How many specialist types a supervisor job may name. */
	public static final int MAX_SPECIALISTS = 20;
}
