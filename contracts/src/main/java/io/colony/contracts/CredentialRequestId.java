package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identifies a request for a credential; serialised as its bare UUID. the agent makes it up (a UUID), so that a retried request is the same request. */
public record CredentialRequestId(UUID value) {

	public CredentialRequestId {
		Objects.requireNonNull(value, "value");
	}

	public static CredentialRequestId random() {
		return new CredentialRequestId(UUID.randomUUID());
	}

	/** @throws IllegalArgumentException when {@code text} is not a UUID */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static CredentialRequestId parse(String text) {
		return new CredentialRequestId(UUID.fromString(text));
	}

	@JsonValue
	@Override
	public String toString() {
		return value.toString();
	}
}
