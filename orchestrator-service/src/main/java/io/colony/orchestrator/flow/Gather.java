package io.colony.orchestrator.flow;

/**
 * How a task's input is built from the outputs of the tasks it depends on, once they have all finished and at least
 * one succeeded. A task with one dependency and no gather takes that dependency's output as it is.
 */
public enum Gather {

	/** A pipeline {@code once} stage: every successful output, each under a line {@code ## <input id>}. */
	SECTIONS("sections"),
	/** A plan node with sub-tasks: its own input, then each successful sub-task's output under {@code ## <id> (<agent>)}. */
	CHILDREN("children"),
	/**
	 * A supervisor's answer: {@code ## request} with the job's input, each successful top-level sub-task's output under
	 * {@code ## <id> (<agent>)}, then one line {@code Missing: <id> (failed), <id> (skipped)} when some produced none.
	 */
	COMPOSE("compose");

	private final String column;

	Gather(String column) {
		this.column = column;
	}

	String column() {
		return column;
	}

	static Gather fromColumn(String value) {
		if (value == null) {
			return null;
		}
		for (Gather gather : values()) {
			if (gather.column.equals(value)) {
				return gather;
			}
		}
		throw new IllegalArgumentException("unknown gather '" + value + "'");
	}
}
