package io.colony.credentials.request;

import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.Destinations;
import io.colony.contracts.LeaseId;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Announces requests going pending and being decided on {@code colony.credentials}, through the outbox in the
 * caller's transaction. Each fact has one message id (derived from the request id), so a republished copy is
 * recognisable.
 */
@Component
public class RequestEvents {

	private final Outbox outbox;

	RequestEvents(Outbox outbox) {
		this.outbox = outbox;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	void approvalRequested(CredentialRequestRecord request) {
		CredentialApprovalRequested event = new CredentialApprovalRequested(request.requestId(), request.tenant(),
				request.agentId(), request.jobId(), request.taskId(), request.resource(), request.scope(),
				request.cappedTtl(), request.justification(), request.requestedAt(), request.timesOutAt());
		outbox.append(new OutboxMessage(Destinations.CREDENTIALS, event.routingKey(), event,
				messageId(request, "approval-requested"), request.tenant(), null, null));
	}

	/**
	 * @param leaseId, scope, expiresAt the grant; {@code null}, empty and {@code null} unless {@code status} is
	 *     {@code GRANTED}
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void decided(CredentialRequestRecord request, CredentialRequestStatus status, LeaseId leaseId,
			List<String> scope, Instant expiresAt, String decidedBy, String reason, Instant decidedAt) {
		CredentialRequestDecided event = new CredentialRequestDecided(request.requestId(), request.tenant(),
				request.agentId(), status, leaseId, scope, expiresAt, decidedBy, reason, decidedAt);
		outbox.append(new OutboxMessage(Destinations.CREDENTIALS, event.routingKey(), event,
				messageId(request, "decided"), request.tenant(), null, null));
	}

	private static UUID messageId(CredentialRequestRecord request, String fact) {
		return UUID.nameUUIDFromBytes((request.requestId() + ":" + fact).getBytes(StandardCharsets.UTF_8));
	}
}
