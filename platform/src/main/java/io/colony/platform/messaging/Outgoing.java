package io.colony.platform.messaging;

import io.colony.contracts.TenantId;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A message to publish. {@code messageId} is what consumers de-duplicate on, so a re-publication of
 * the same logical message (e.g. from the outbox after a crash) must keep it.
 *
 * @param traceHeaders propagation headers of the span this message continues; empty to continue the
 * current span
 */
public record Outgoing(String exchange, String routingKey, Object payload, UUID messageId, TenantId tenant,
		Map<String, String> traceHeaders) {

	public Outgoing {
		Objects.requireNonNull(exchange, "exchange");
		Objects.requireNonNull(routingKey, "routingKey");
		Objects.requireNonNull(payload, "payload");
		messageId = messageId == null ? UUID.randomUUID() : messageId;
		traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
	}

	public static Outgoing to(String exchange, String routingKey, Object payload) {
		return new Outgoing(exchange, routingKey, payload, null, null, null);
	}

	public Outgoing withMessageId(UUID id) {
		return new Outgoing(exchange, routingKey, payload, id, tenant, traceHeaders);
	}

	public Outgoing withTenant(TenantId value) {
		return new Outgoing(exchange, routingKey, payload, messageId, value, traceHeaders);
	}

	/** Continue the trace of {@code inbound} rather than the current span. */
	public Outgoing causedBy(Inbound<?> inbound) {
		return withTraceHeaders(inbound.traceHeaders());
	}

	public Outgoing withTraceHeaders(Map<String, String> value) {
		return new Outgoing(exchange, routingKey, payload, messageId, tenant, value);
	}
}
