package io.colony.orchestrator.supervisor;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A supervisor's validated plan: sub-tasks, some with sub-tasks of their own that run first. */
public record Plan(List<Node> subtasks) {

	public Plan {
		subtasks = List.copyOf(subtasks);
	}

	/** @param input {@code null} for the job's input */
	public record Node(String id, String agent, String instruction, String input, List<Node> subtasks) {

		public Node {
			subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
		}
	}

	/** Every agent type the plan uses, in order of first use. */
	public Set<String> agents() {
		Set<String> agents = new LinkedHashSet<>();
		collect(subtasks, agents);
		return agents;
	}

	/** How many sub-tasks the plan holds, nested ones included. */
	public int size() {
		return count(subtasks);
	}

	private static void collect(List<Node> nodes, Set<String> agents) {
		for (Node node : nodes) {
			agents.add(node.agent());
			collect(node.subtasks(), agents);
		}
	}

	private static int count(List<Node> nodes) {
		int count = 0;
		for (Node node : nodes) {
			count += 1 + count(node.subtasks());
		}
		return count;
	}
}
