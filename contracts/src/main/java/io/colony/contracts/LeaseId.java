package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identifies a credential lease; serialised as its bare UUID. the credential service makes it up; it is also the token's jti. */
public record LeaseId(UUID value) {

	public LeaseId {
		Objects.requireNonNull(value, "value");
	}

	public static LeaseId random() {
		return new LeaseId(UUID.randomUUID());
	}

	/** @throws IllegalArgumentException when {@code text} is not a UUID */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static LeaseId parse(String text) {
		return new LeaseId(UUID.fromString(text));
	}

	@JsonValue
	@Override
	public String toString() {
		return value.toString();
	}
}
