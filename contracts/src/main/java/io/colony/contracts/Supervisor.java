package io.colony.contracts;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Supervisor and specialists: the {@code supervisor} agent type first plans sub-tasks for the request (its answer is
 * a plan, validated against {@code plan} and {@code specialists}), the specialists run them in parallel, each on its
 * own agent type's capability, and the supervisor composes the final answer from their outputs.
 *
 * <p>The plan an agent answers with is JSON: {@code {"subtasks": [{"id": "...", "agent": "<specialist type>",
 * "instruction": "...", "input": "...", "subtasks": [...]}]}}. A sub-task with nested {@code subtasks} runs after
 * them, over their outputs.
 *
 * @param specialists the agent types a plan may use; empty for any type but the supervisor's own
 */
public record Supervisor(String supervisor, String instruction, JobInput input, List<String> specialists,
		PlanLimits plan, Reduce reduce, Priority priority, JobLimits limits, String model, NoAgentPolicy whenNoAgent)
		implements JobSpec {

	public static final String PATTERN = "supervisor";

	public Supervisor {
		specialists = specialists == null ? List.of() : List.copyOf(specialists);
		plan = plan == null ? PlanLimits.DEFAULTS : plan;
		reduce = reduce == null ? Reduce.COLLECT : reduce;
		priority = priority == null ? Priority.NORMAL : priority;
		limits = limits == null ? JobLimits.DEFAULTS : limits;
		whenNoAgent = whenNoAgent == null ? NoAgentPolicy.REJECT : whenNoAgent;
	}

	@Override
	public String agent() {
		return supervisor;
	}

	@Override
	public List<String> agentTypes() {
		LinkedHashSet<String> types = new LinkedHashSet<>();
		if (supervisor != null) {
			types.add(supervisor);
		}
		types.addAll(specialists);
		return List.copyOf(types);
	}

	/** The planning task and the composing one; the specialists' are known once the plan is. */
	@Override
	public int taskCount() {
		return 2;
	}
}
