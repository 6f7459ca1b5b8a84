package io.colony.credentials.lease;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A lease as stored: what was granted to which agent, until when. {@code expiresAt} is the expiry of the last token
 * handed out (moved on by renewals); {@code endedAt} is when it was revoked or found expired.
 */
public record LeaseRecord(LeaseId leaseId, CredentialRequestId requestId, TenantId tenant, AgentId agentId,
		TaskId taskId, String resource, List<String> scope, Duration ttl, Instant issuedAt, Instant expiresAt,
		Instant maxExpiresAt, LeaseStatus status, Instant endedAt, String endedBy, String reason) {

	/**
	 * Whether the lease can hand out a token at {@code now}. An active lease whose token expired without renewal
	 * has ended, even before the expiry sweeper marks it.
	 */
	public boolean activeAt(Instant now) {
		return status == LeaseStatus.ACTIVE && now.isBefore(expiresAt);
	}

	/** The status as of {@code now}: {@code EXPIRED} for an active lease past its token's expiry. */
	public LeaseStatus statusAt(Instant now) {
		return status == LeaseStatus.ACTIVE && !now.isBefore(expiresAt) ? LeaseStatus.EXPIRED : status;
	}
}
