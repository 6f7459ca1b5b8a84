package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Agent presence on {@link Destinations#REGISTRY}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownRegistryEvent.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = AgentHeartbeat.class, name = "AgentHeartbeat"),
		@JsonSubTypes.Type(value = AgentDeparted.class, name = "AgentDeparted") })
public sealed interface RegistryEvent permits AgentHeartbeat, AgentDeparted, UnknownRegistryEvent {
}
