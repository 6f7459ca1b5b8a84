package io.colony.orchestrator.deadletter;

import java.util.UUID;

/**
 * Which dead letters a list or a "replay all" means; {@code null} fields match everything.
 *
 * @param status {@code null} for every status
 */
record DeadLetterFilter(DeadLetter.Status status, String queue, UUID jobId, int limit) {
}
