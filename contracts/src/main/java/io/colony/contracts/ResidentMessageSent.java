package io.colony.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A message for one resident agent, processed after every message sent to it before, and at most once to completion
 * (the message id is the agent's inbox key).
 *
 * @param origin {@code user} (through the API) or {@code timer} (a message the agent scheduled to itself)
 */
public record ResidentMessageSent(UUID messageId, ResidentId agentId, TenantId tenant, String content, String origin,
		Instant sentAt) implements ResidentMail {

	public static final String FROM_USER = "user";

	public static final String FROM_TIMER = "timer";
}
