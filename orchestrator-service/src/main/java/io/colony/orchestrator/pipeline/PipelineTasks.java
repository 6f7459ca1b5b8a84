package io.colony.orchestrator.pipeline;

import io.colony.contracts.FanOut;
import io.colony.contracts.JobInput;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.TaskRole;
import io.colony.orchestrator.flow.Gather;
import io.colony.orchestrator.flow.PlannedTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lays a pipeline out as tasks, all known at submit: a {@code per-input} stage runs one task per item reaching it,
 * depending on that item's task in the stage before; a {@code once} stage runs one task depending on every task of
 * the stage before (over the job's inputs when it is first), after which there is one item. Input ids are
 * {@code <stage name>/<item id>} per input and {@code <stage name>} for a {@code once} stage; an item's id is the
 * job input's id, or the name of the {@code once} stage that made it.
 */
public final class PipelineTasks {

	private PipelineTasks() {
	}

	/** The name of stage {@code index} (0-based): its own, else {@code stage<n>} (1-based). */
	public static String stageName(Pipeline spec, int index) {
		String name = spec.stages().get(index).name();
		return name == null ? "stage" + (index + 1) : name;
	}

	/**
	 * @param capabilityOf the capability each stage's agent type resolved to
	 */
	public static List<PlannedTask> layout(Pipeline spec, Map<String, String> capabilityOf) {
		List<PlannedTask> tasks = new ArrayList<>();
		record Item(String id, UUID taskId) {
		}
		List<Item> items = null;
		for (int k = 0; k < spec.stages().size(); k++) {
			PipelineStage stage = spec.stages().get(k);
			String name = stageName(spec, k);
			String capability = capabilityOf.get(stage.agent());
			List<Item> next = new ArrayList<>();
			if (stage.fanOut() == FanOut.ONCE) {
				UUID taskId = UUID.randomUUID();
				if (items == null) {
					tasks.add(new PlannedTask(taskId, name, sections(spec.inputs()), TaskRole.WORK, k + 1, List.of(),
							null, stage.agent(), capability, stage.instruction(), true));
				}
				else {
					tasks.add(new PlannedTask(taskId, name, null, TaskRole.WORK, k + 1,
							items.stream().map(Item::taskId).toList(), Gather.SECTIONS, stage.agent(), capability,
							stage.instruction(), false));
				}
				next.add(new Item(name, taskId));
			}
			else if (items == null) {
				for (JobInput input : spec.inputs()) {
					UUID taskId = UUID.randomUUID();
					tasks.add(new PlannedTask(taskId, name + "/" + input.id(), input.content(), TaskRole.WORK, k + 1,
							List.of(), null, stage.agent(), capability, stage.instruction(), true));
					next.add(new Item(input.id(), taskId));
				}
			}
			else {
				for (Item item : items) {
					UUID taskId = UUID.randomUUID();
					tasks.add(new PlannedTask(taskId, name + "/" + item.id(), null, TaskRole.WORK, k + 1,
							List.of(item.taskId()), null, stage.agent(), capability, stage.instruction(), false));
					next.add(new Item(item.id(), taskId));
				}
			}
			items = next;
		}
		return tasks;
	}

	/** The job's inputs as one text, each under a line {@code ## <input id>}, as a {@code once} stage reads them. */
	static String sections(List<JobInput> inputs) {
		StringBuilder text = new StringBuilder();
		for (JobInput input : inputs) {
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append("## ").append(input.id()).append('\n');
			String content = input.content() == null ? "" : input.content();
			text.append(content);
			if (!content.endsWith("\n")) {
				text.append('\n');
			}
		}
		return text.toString();
	}
}
