package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identifies a Job across every service; serialised as its bare UUID. */
public record JobId(UUID value) {

	public JobId {
		Objects.requireNonNull(value, "value");
	}

	public static JobId random() {
		return new JobId(UUID.randomUUID());
	}

	/** @throws IllegalArgumentException when {@code text} is not a UUID */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static JobId parse(String text) {
		return new JobId(UUID.fromString(text));
	}

	@JsonValue
	@Override
	public String toString() {
		return value.toString();
	}
}
