package io.colony.platform.messaging;

import io.colony.contracts.TenantId;
import org.springframework.amqp.core.Message;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A decoded delivery.
 *
 * @param attempt 1 for the first delivery, then one more for each earlier failed delivery
 * @param traceHeaders propagation headers of the span that published it
 * @param settleable whether the delivery can still be acknowledged: {@code false} once the channel it came on has
 * closed, when the broker has put it back in its queue (and may already have given it to another consumer)
 */
public record Inbound<T>(T payload, Message message, UUID messageId, int attempt, Map<String, String> traceHeaders,
		BooleanSupplier settleable) {

	/** A delivery that stays settleable (one not taken from a broker channel). */
	public Inbound(T payload, Message message, UUID messageId, int attempt, Map<String, String> traceHeaders) {
		this(payload, message, messageId, attempt, traceHeaders, () -> true);
	}

	public Optional<TenantId> tenant() {
		Object tenant = message.getMessageProperties().getHeaders().get(Headers.TENANT);
		return tenant == null ? Optional.empty() : Optional.of(TenantId.of(tenant.toString()));
	}
}
