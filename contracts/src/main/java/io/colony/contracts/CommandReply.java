package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The answer to a {@link ColonyCommand}, sent to the command's {@code reply-to}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownReply.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = JobSubmitted.class, name = "JobSubmitted"),
		@JsonSubTypes.Type(value = JobCancellationAccepted.class, name = "JobCancellationAccepted"),
		@JsonSubTypes.Type(value = CommandRejected.class, name = "CommandRejected") })
public sealed interface CommandReply permits JobSubmitted, JobCancellationAccepted, CommandRejected, UnknownReply {
}
