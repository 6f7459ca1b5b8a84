package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a task is for within its job's pattern. */
public enum TaskRole {

	/** Work on one input: a scatter-gather task, a pipeline stage, a specialist's sub-task. */
	WORK("work"),
	/** A supervisor planning sub-tasks: its output must be a plan (see {@link Supervisor}). */
	PLAN("plan"),
	/** A supervisor composing the answer from its sub-tasks' outputs, which are its input. */
	COMPOSE("compose");

	private final String wireName;

	TaskRole(String wireName) {
		this.wireName = wireName;
	}

	@JsonValue
	public String wireName() {
		return wireName;
	}

	/** Unknown roles read as {@link #WORK}, so a newer orchestrator never breaks an older worker. */
	@JsonCreator
	public static TaskRole fromWireName(String name) {
		for (TaskRole role : values()) {
			if (role.wireName.equals(name)) {
				return role;
			}
		}
		return WORK;
	}
}
