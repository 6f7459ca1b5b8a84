package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Outcome of one task attempt, published by the agent that ran it to {@link Destinations#RESULTS} with
 * routing key {@link Destinations#resultRoutingKey}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownTaskResult.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = TaskCompleted.class, name = "TaskCompleted"),
		@JsonSubTypes.Type(value = TaskFailed.class, name = "TaskFailed") })
public sealed interface TaskResult permits TaskCompleted, TaskFailed, UnknownTaskResult {
}
