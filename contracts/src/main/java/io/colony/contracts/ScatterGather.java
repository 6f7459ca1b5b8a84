package io.colony.contracts;

import java.util.List;

/** One task per input, all with the same agent type and instruction; results fan back in. */
public record ScatterGather(String agent, String instruction, List<JobInput> inputs, Reduce reduce, Priority priority,
		JobLimits limits) implements JobSpec {

	public static final String PATTERN = "scatter-gather";

	public ScatterGather {
		inputs = inputs == null ? List.of() : List.copyOf(inputs);
		reduce = reduce == null ? Reduce.COLLECT : reduce;
		priority = priority == null ? Priority.NORMAL : priority;
		limits = limits == null ? JobLimits.DEFAULTS : limits;
	}

	@Override
	public int taskCount() {
		return inputs.size();
	}
}
