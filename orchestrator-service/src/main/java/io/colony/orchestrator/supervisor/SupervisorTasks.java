package io.colony.orchestrator.supervisor;

import io.colony.contracts.Supervisor;
import io.colony.contracts.TaskRole;
import io.colony.orchestrator.flow.Gather;
import io.colony.orchestrator.flow.PlannedTask;

import java.util.List;
import java.util.UUID;

/**
 * The two tasks a supervisor job starts with: the plan (input id {@code plan}, on the supervisor's capability) and the
 * answer (input id {@code answer}), which waits on the plan until the plan's sub-tasks replace that dependency.
 */
public final class SupervisorTasks {

	private SupervisorTasks() {
	}

	public static List<PlannedTask> initial(Supervisor spec, PlanParser.Limits limits) {
		UUID plan = UUID.randomUUID();
		UUID answer = UUID.randomUUID();
		String content = spec.input().content();
		return List.of(
				new PlannedTask(plan, "plan", content, TaskRole.PLAN, 0, List.of(), null, null, null,
						planInstruction(spec, limits), true),
				new PlannedTask(answer, "answer", content, TaskRole.COMPOSE, 0, List.of(plan), Gather.COMPOSE, null,
						null, composeInstruction(spec), false));
	}

	/** The job's instruction, then the planning protocol the supervisor must answer by. */
	static String planInstruction(Supervisor spec, PlanParser.Limits limits) {
		String agents = spec.specialists().isEmpty()
				? "any agent type of the mesh except " + spec.supervisor()
				: "one of " + String.join(", ", spec.specialists());
		return spec.instruction() + "\n\n"
				+ "Plan how specialists should do this. Answer ONLY with a JSON object, no other text: "
				+ "{\"subtasks\": [{\"id\": \"<lower-case letters, digits, dashes>\", \"agent\": \"<agent type>\", "
				+ "\"instruction\": \"<what this specialist must do>\", \"input\": \"<optional: the text it works on; "
				+ "default the request>\", \"subtasks\": [<optional: sub-tasks that run first; their outputs are added "
				+ "to this one's input>]}]}. At most " + limits.maxSubtasks() + " sub-tasks in total, nested at most "
				+ limits.maxDepth() + " deep. Each agent must be " + agents + ".";
	}

	static String composeInstruction(Supervisor spec) {
		return spec.instruction() + "\n\n"
				+ "Compose the final answer to the request from the specialists' outputs below (each under its "
				+ "'## <id> (<agent>)' header); where a 'Missing:' line lists sub-tasks that produced nothing, say "
				+ "what the answer lacks.";
	}
}
