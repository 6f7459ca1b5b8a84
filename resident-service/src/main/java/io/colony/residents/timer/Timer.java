package io.colony.residents.timer;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A message an agent scheduled to itself.
 *
 * @param every repeat interval, or {@code null} for a one-shot timer
 */
public record Timer(UUID timerId, String tenant, String agentId, Instant fireAt, String content, Duration every,
		Instant createdAt) {
}
