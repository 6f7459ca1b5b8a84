package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a resident agent did, on {@link Destinations#EVENTS} with routing key {@link #routingKey()}; the gateway
 * streams an agent's events to its subscribers ({@code GET /api/v1/agents/{id}/events}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownResidentEvent.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = ResidentReplied.class, name = "ResidentReplied") })
public sealed interface ResidentEvent permits ResidentReplied, UnknownResidentEvent {

	ResidentId agentId();

	TenantId tenant();

	String routingKey();
}
