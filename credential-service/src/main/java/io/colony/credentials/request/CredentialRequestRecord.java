package io.colony.credentials.request;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.policy.PolicyLimits;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A credential request as stored.
 *
 * @param scope what the agent asked for
 * @param askedTtl the ttl the agent asked for
 * @param fingerprint what tells a retry from another request reusing the id ({@link RequestFingerprint})
 * @param limits the policy's limits for {@code scope} when it was requested; {@code null} when policy denied it
 * @param timesOutAt when a pending request times out; {@code null} unless it went pending
 * @param grantedScope what was granted (within {@code scope}); empty unless granted
 */
public record CredentialRequestRecord(CredentialRequestId requestId, TenantId tenant, AgentId agentId, JobId jobId,
		TaskId taskId, String resource, List<String> scope, Duration askedTtl, String justification,
		String fingerprint, CredentialRequestStatus status, Instant requestedAt, Instant timesOutAt,
		PolicyLimits limits, Instant decidedAt, String decidedBy, String reason, List<String> grantedScope,
		LeaseId leaseId) {

	public CredentialRequestRecord {
		scope = List.copyOf(scope);
		grantedScope = grantedScope == null ? List.of() : List.copyOf(grantedScope);
	}

	/** The status as of {@code now}: {@code TIMED_OUT} for a pending request past its timeout. */
	public CredentialRequestStatus statusAt(Instant now) {
		return status == CredentialRequestStatus.PENDING && !now.isBefore(timesOutAt) ? CredentialRequestStatus.TIMED_OUT
				: status;
	}

	/** The ttl asked for, capped by policy: what an approver is shown and may shorten. */
	public Duration cappedTtl() {
		return limits == null || askedTtl.compareTo(limits.maxTtl()) <= 0 ? askedTtl : limits.maxTtl();
	}
}
