package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Commands sent to {@link Destinations#COMMANDS}. Each is a request/reply exchange: the sender sets
 * {@code reply-to} and gets a {@link CommandReply}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownCommand.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = SubmitJob.class, name = "SubmitJob"),
		@JsonSubTypes.Type(value = CancelJob.class, name = "CancelJob") })
public sealed interface ColonyCommand permits SubmitJob, CancelJob, UnknownCommand {

	TenantId tenant();
}
