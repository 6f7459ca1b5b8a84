package io.colony.platform.messaging;

import io.colony.contracts.TenantId;
import org.springframework.amqp.core.Message;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A decoded delivery.
 *
 * @param attempt 1 for the first delivery, then one more for each earlier failed delivery
 * @param traceHeaders propagation headers of the span that published it
 */
public record Inbound<T>(T payload, Message message, UUID messageId, int attempt, Map<String, String> traceHeaders) {

	public Optional<TenantId> tenant() {
		Object tenant = message.getMessageProperties().getHeaders().get(Headers.TENANT);
		return tenant == null ? Optional.empty() : Optional.of(TenantId.of(tenant.toString()));
	}
}
