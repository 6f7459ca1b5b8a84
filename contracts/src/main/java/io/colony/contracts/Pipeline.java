package io.colony.contracts;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Ordered stages; the output of one stage is the input of the next. A {@code per-input} stage runs one task per
 * item that reached it (an item whose task failed for good goes no further); a {@code once} stage runs one task over
 * every output of the stage before it (or over the job's inputs when it is the first).
 */
public record Pipeline(List<JobInput> inputs, List<PipelineStage> stages, Reduce reduce, Priority priority,
		JobLimits limits, String model, NoAgentPolicy whenNoAgent) implements JobSpec {

	public static final String PATTERN = "pipeline";

	public Pipeline {
		inputs = inputs == null ? List.of() : List.copyOf(inputs);
		stages = stages == null ? List.of() : List.copyOf(stages);
		reduce = reduce == null ? Reduce.COLLECT : reduce;
		priority = priority == null ? Priority.NORMAL : priority;
		limits = limits == null ? JobLimits.DEFAULTS : limits;
		whenNoAgent = whenNoAgent == null ? NoAgentPolicy.REJECT : whenNoAgent;
	}

	@Override
	public String agent() {
		return stages.isEmpty() ? null : stages.getFirst().agent();
	}

	@Override
	public List<String> agentTypes() {
		LinkedHashSet<String> types = new LinkedHashSet<>();
		for (PipelineStage stage : stages) {
			if (stage != null && stage.agent() != null) {
				types.add(stage.agent());
			}
		}
		return List.copyOf(types);
	}

	/**
	 * Every task every stage would run if no task failed: a {@code per-input} stage runs once per item reaching it,
	 * which is the job's inputs until a {@code once} stage has made them one.
	 */
	@Override
	public int taskCount() {
		int count = 0;
		int items = inputs.size();
		for (PipelineStage stage : stages) {
			if (stage != null && stage.fanOut() == FanOut.ONCE) {
				items = 1;
			}
			count += items;
		}
		return count;
	}
}
