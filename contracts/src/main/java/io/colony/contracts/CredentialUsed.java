package io.colony.contracts;

import java.time.Instant;

/**
 * A worker's tool adapter used a lease's token, or refused to because it had expired or was revoked; the credential
 * service appends it to the audit log.
 *
 * @param tool the tool that used it
 * @param outcome {@code used}, {@code refused-expired} or {@code refused-revoked}
 */
public record CredentialUsed(LeaseId leaseId, TenantId tenant, AgentId agentId, TaskId taskId, String tool,
		String outcome, Instant usedAt) implements CredentialEvent {

	public static final String USED = "used";

	public static final String REFUSED_EXPIRED = "refused-expired";

	public static final String REFUSED_REVOKED = "refused-revoked";

	@Override
	public String routingKey() {
		return Destinations.CREDENTIAL_USED;
	}
}
