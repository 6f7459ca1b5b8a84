package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Messages on {@link Destinations#TASKS}, routed by capability to {@code agent.<capability>} queues. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownTaskMessage.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = TaskAssigned.class, name = "TaskAssigned") })
public sealed interface TaskMessage permits TaskAssigned, UnknownTaskMessage {
}
