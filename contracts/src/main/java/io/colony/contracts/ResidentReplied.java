package io.colony.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A resident agent answered one message ({@code inReplyTo}); published once, after its memory was saved.
 *
 * @param sequence the agent's count of messages processed, this one included (replies of one agent are in order)
 */
public record ResidentReplied(ResidentId agentId, TenantId tenant, UUID inReplyTo, long sequence, String reply,
		Usage usage, Instant at) implements ResidentEvent {

	public ResidentReplied {
		usage = usage == null ? Usage.NONE : usage;
	}

	@Override
	public String routingKey() {
		return Destinations.RESIDENT_REPLIED;
	}
}
