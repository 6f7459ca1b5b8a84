package io.colony.contracts;

import java.time.Instant;

/**
 * An operator revoked a lease: every worker drops its token at once and refuses to use it from now on.
 *
 * @param revokedBy the operator's subject
 */
public record CredentialRevoked(LeaseId leaseId, CredentialRequestId requestId, TenantId tenant, AgentId agentId,
		String revokedBy, String reason, Instant revokedAt) implements CredentialEvent {

	@Override
	public String routingKey() {
		return Destinations.CREDENTIAL_REVOKED;
	}
}
