package io.colony.contracts;

import java.util.List;

/**
 * One task per input, all with the same agent type and instruction; results fan back in.
 *
 * @param model a model tier or model name every task uses instead of the agent type's (e.g. a cheaper
 * one); {@code null} for the agent type's
 * @param whenNoAgent what to do when no live agent serves the job's agent type at submit; reject by default
 */
public record ScatterGather(String agent, String instruction, List<JobInput> inputs, Reduce reduce, Priority priority,
		JobLimits limits, String model, NoAgentPolicy whenNoAgent) implements JobSpec {

	public static final String PATTERN = "scatter-gather";

	public ScatterGather {
		inputs = inputs == null ? List.of() : List.copyOf(inputs);
		reduce = reduce == null ? Reduce.COLLECT : reduce;
		priority = priority == null ? Priority.NORMAL : priority;
		limits = limits == null ? JobLimits.DEFAULTS : limits;
		whenNoAgent = whenNoAgent == null ? NoAgentPolicy.REJECT : whenNoAgent;
	}

	public ScatterGather(String agent, String instruction, List<JobInput> inputs, Reduce reduce, Priority priority,
			JobLimits limits) {
		this(agent, instruction, inputs, reduce, priority, limits, null, null);
	}

	public ScatterGather(String agent, String instruction, List<JobInput> inputs, Reduce reduce, Priority priority,
			JobLimits limits, String model) {
		this(agent, instruction, inputs, reduce, priority, limits, model, null);
	}

	@Override
	public int taskCount() {
		return inputs.size();
	}

	@Override
	public List<String> agentTypes() {
		return agent == null ? List.of() : List.of(agent);
	}
}
