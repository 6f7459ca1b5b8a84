package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identifies a Task across every service; serialised as its bare UUID. */
public record TaskId(UUID value) {

	public TaskId {
		Objects.requireNonNull(value, "value");
	}

	public static TaskId random() {
		return new TaskId(UUID.randomUUID());
	}

	/** @throws IllegalArgumentException when {@code text} is not a UUID */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static TaskId parse(String text) {
		return new TaskId(UUID.fromString(text));
	}

	@JsonValue
	@Override
	public String toString() {
		return value.toString();
	}
}
