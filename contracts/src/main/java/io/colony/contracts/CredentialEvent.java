package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Credential lifecycle events on {@link Destinations#CREDENTIALS}; the routing key is {@link #routingKey()}. None of
 * them carries a token or secret: a credential travels only in the HTTP answer to the agent that asked for it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownCredentialEvent.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = CredentialApprovalRequested.class, name = "CredentialApprovalRequested"),
		@JsonSubTypes.Type(value = CredentialRequestDecided.class, name = "CredentialRequestDecided"),
		@JsonSubTypes.Type(value = CredentialRevoked.class, name = "CredentialRevoked"),
		@JsonSubTypes.Type(value = CredentialUsed.class, name = "CredentialUsed") })
public sealed interface CredentialEvent permits CredentialApprovalRequested, CredentialRequestDecided,
		CredentialRevoked, CredentialUsed, UnknownCredentialEvent {

	/** Routing key on {@link Destinations#CREDENTIALS}, and the SSE event name the console sees. */
	String routingKey();
}
