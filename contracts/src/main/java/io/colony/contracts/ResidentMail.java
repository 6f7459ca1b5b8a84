package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What reaches a resident agent's mailbox on {@link Destinations#RESIDENTS}, routed by agent id to one shard queue
 * ({@link Destinations#residentShardRoutingKey}) so that one consumer at a time owns every agent of a shard.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownResidentMail.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = ResidentMessageSent.class, name = "ResidentMessageSent") })
public sealed interface ResidentMail permits ResidentMessageSent, UnknownResidentMail {
}
