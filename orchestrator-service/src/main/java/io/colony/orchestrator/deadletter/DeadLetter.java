package io.colony.orchestrator.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One stored dead letter as the internal API shows it. {@code headers}, {@code originalExchange},
 * {@code originalRoutingKey} and {@code bodyPreview} are only filled for a single dead letter, not in lists.
 *
 * @param bodyPreview the body as UTF-8, cut at {@value DeadLetterStore#PREVIEW_BYTES} bytes
 * @param replayable whether the body was stored (not over {@code max-body}) so that it can be replayed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DeadLetter(UUID id, String queue, String messageId, String type, String tenant, UUID jobId, String reason,
		int deliveries, int timesDeadLettered, Instant firstDeadLetteredAt, Instant lastDeadLetteredAt,
		Status status, String discardReason, String resolvedBy, Instant resolvedAt, int replays, int bodySize,
		boolean replayable, String originalExchange, String originalRoutingKey, Map<String, Object> headers,
		String bodyPreview, Boolean bodyPreviewTruncated) {

	enum Status {
		OPEN, REPLAYED, DISCARDED
	}
}
