package io.colony.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A credential request that policy sends to a person: it waits in the operator console until approved, denied or
 * {@code timesOutAt}.
 *
 * @param scope what the agent asked for (already within policy: a request for more is denied outright)
 * @param ttl the lifetime asked for, already capped by policy
 */
public record CredentialApprovalRequested(CredentialRequestId requestId, TenantId tenant, AgentId agentId,
		JobId jobId, TaskId taskId, String resource, List<String> scope, Duration ttl, String justification,
		Instant requestedAt, Instant timesOutAt) implements CredentialEvent {

	@Override
	public String routingKey() {
		return Destinations.CREDENTIAL_APPROVAL_REQUESTED;
	}
}
