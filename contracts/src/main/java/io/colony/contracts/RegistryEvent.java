package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Agent presence and identity on {@link Destinations#REGISTRY}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownRegistryEvent.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = AgentHeartbeat.class, name = "AgentHeartbeat"),
		@JsonSubTypes.Type(value = AgentDeparted.class, name = "AgentDeparted"),
		@JsonSubTypes.Type(value = AgentKeyRevoked.class, name = "AgentKeyRevoked"),
		@JsonSubTypes.Type(value = AgentKeyRotationRequested.class, name = "AgentKeyRotationRequested") })
public sealed interface RegistryEvent
		permits AgentHeartbeat, AgentDeparted, AgentKeyRevoked, AgentKeyRotationRequested, UnknownRegistryEvent {
}
