package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A credential request was decided: by policy, by a person, or by its approval timeout. The requesting agent
 * collects a granted credential with a signed claim; the event itself carries none.
 *
 * @param leaseId the lease when granted, else {@code null}
 * @param scope what was granted (empty unless granted)
 * @param expiresAt when the granted token expires, else {@code null}
 * @param decidedBy {@code policy}, {@code timeout}, or the approver's subject
 * @param reason why it was denied or timed out; the approver's note when granted (may be {@code null})
 */
public record CredentialRequestDecided(CredentialRequestId requestId, TenantId tenant, AgentId agentId,
		CredentialRequestStatus status, LeaseId leaseId, List<String> scope, Instant expiresAt, String decidedBy,
		String reason, Instant decidedAt) implements CredentialEvent {

	@Override
	public String routingKey() {
		return Destinations.CREDENTIAL_DECIDED;
	}
}
