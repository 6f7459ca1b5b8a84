package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Identifies a Agent; serialised as its bare string. */
public record AgentId(String value) {

	public AgentId {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("AgentId must not be blank");
		}
		if (value.length() > 200) {
			throw new IllegalArgumentException("AgentId must be at most 200 characters");
		}
	}

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static AgentId of(String value) {
		return new AgentId(value);
	}

	@JsonValue
	@Override
	public String toString() {
		return value;
	}
}
