package io.colony.residents.agent;

import io.colony.contracts.Destinations;
import io.colony.contracts.ResidentMessageSent;
import io.colony.platform.outbox.OutboxMessage;

/** A message for a resident agent, routed by its id to its shard. */
public final class Mail {

	private Mail() {
	}

	/** The outbox row that delivers {@code message} to its agent's shard queue. */
	public static OutboxMessage to(ResidentMessageSent message, int shards) {
		int shard = Destinations.residentShard(message.agentId(), shards);
		return new OutboxMessage(Destinations.RESIDENTS, Destinations.residentShardRoutingKey(shard), message,
				message.messageId(), message.tenant(), null, null);
	}
}
