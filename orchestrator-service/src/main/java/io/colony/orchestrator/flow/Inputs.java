package io.colony.orchestrator.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a released task's input from its dependencies. The formats are a contract: agents (and the coded
 * {@code pr-review} composer) read them.
 */
final class Inputs {

	private Inputs() {
	}

	/**
	 * @param dependencies every dependency, finished, in creation order
	 * @param jobAgent the job's agent type, for dependencies that run on it
	 */
	static String gather(TaskGraph.TaskRow task, List<TaskGraph.TaskRow> dependencies, String jobAgent) {
		List<TaskGraph.TaskRow> succeeded = dependencies.stream()
			.filter(dependency -> "SUCCEEDED".equals(dependency.status()))
			.toList();
		if (task.gather() == null) {
			return succeeded.getFirst().output();
		}
		StringBuilder input = new StringBuilder();
		switch (task.gather()) {
			case SECTIONS -> {
				for (TaskGraph.TaskRow dependency : succeeded) {
					section(input, dependency.inputId(), dependency.output());
				}
			}
			case CHILDREN -> {
				input.append(task.content() == null ? "" : task.content());
				for (TaskGraph.TaskRow dependency : succeeded) {
					section(input, dependency.inputId() + " (" + agentOf(dependency, jobAgent) + ")",
							dependency.output());
				}
			}
			case COMPOSE -> {
				section(input, "request", task.content() == null ? "" : task.content());
				for (TaskGraph.TaskRow dependency : succeeded) {
					section(input, dependency.inputId() + " (" + agentOf(dependency, jobAgent) + ")",
							dependency.output());
				}
				List<String> missing = new ArrayList<>();
				for (TaskGraph.TaskRow dependency : dependencies) {
					if (!"SUCCEEDED".equals(dependency.status())) {
						missing.add(dependency.inputId() + " (" + dependency.status().toLowerCase() + ")");
					}
				}
				if (!missing.isEmpty()) {
					separate(input);
					input.append("Missing: ").append(String.join(", ", missing)).append('\n');
				}
			}
		}
		return input.toString();
	}

	private static void section(StringBuilder input, String header, String body) {
		separate(input);
		input.append("## ").append(header).append('\n').append(body == null ? "" : body);
		if (!input.isEmpty() && input.charAt(input.length() - 1) != '\n') {
			input.append('\n');
		}
	}

	private static void separate(StringBuilder input) {
		if (!input.isEmpty()) {
			if (input.charAt(input.length() - 1) != '\n') {
				input.append('\n');
			}
			input.append('\n');
		}
	}

	private static String agentOf(TaskGraph.TaskRow task, String jobAgent) {
		return task.agent() != null ? task.agent() : jobAgent;
	}
}
