package io.colony.platform.outbox;

import io.colony.contracts.TenantId;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A message to publish once the surrounding transaction commits.
 *
 * @param availableAt not published before this instant ({@code null}: at once); used for retry backoff
 */
public record OutboxMessage(String exchange, String routingKey, Object payload, UUID messageId, TenantId tenant,
		Integer priority, Instant availableAt) {

	public OutboxMessage {
		Objects.requireNonNull(exchange, "exchange");
		Objects.requireNonNull(routingKey, "routingKey");
		Objects.requireNonNull(payload, "payload");
		messageId = messageId == null ? UUID.randomUUID() : messageId;
	}

	public static OutboxMessage of(String exchange, String routingKey, Object payload, TenantId tenant) {
		return new OutboxMessage(exchange, routingKey, payload, null, tenant, null, null);
	}
}
