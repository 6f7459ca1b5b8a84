package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownCredentialEvent(String type) implements CredentialEvent {

	@Override
	public String routingKey() {
		return "credential.unknown";
	}
}
