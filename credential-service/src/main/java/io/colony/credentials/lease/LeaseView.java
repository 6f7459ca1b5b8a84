package io.colony.credentials.lease;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.TenantId;

import java.time.Instant;
import java.util.List;

/**
 * A lease as operators see it. {@code status} is as of the answer: an active lease past its token's expiry shows
 * {@code EXPIRED} before the sweeper marks it.
 *
 * @param reason why it was revoked or expired
 */
public record LeaseView(LeaseId leaseId, CredentialRequestId requestId, LeaseStatus status, TenantId tenant,
		AgentId agentId, String resource, List<String> scope, Instant issuedAt, Instant expiresAt,
		Instant maxExpiresAt, Instant revokedAt, String revokedBy, String reason) {

	static LeaseView of(LeaseRecord lease, Instant now) {
		boolean revoked = lease.status() == LeaseStatus.REVOKED;
		return new LeaseView(lease.leaseId(), lease.requestId(), lease.statusAt(now), lease.tenant(), lease.agentId(),
				lease.resource(), lease.scope(), lease.issuedAt(), lease.expiresAt(), lease.maxExpiresAt(),
				revoked ? lease.endedAt() : null, revoked ? lease.endedBy() : null, lease.reason());
	}

	record Page(List<LeaseView> leases) {
	}
}
