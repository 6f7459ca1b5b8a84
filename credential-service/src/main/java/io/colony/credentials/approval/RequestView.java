package io.colony.credentials.approval;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.request.CredentialRequestRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A credential request as operators see it. {@code status} is as of the answer (a pending request past its timeout
 * shows {@code TIMED_OUT} before the sweeper marks it).
 *
 * @param ttl the ttl asked for, capped by policy: the longest an approval may grant
 * @param reason why it was denied or timed out, or the approver's note
 */
public record RequestView(CredentialRequestId requestId, CredentialRequestStatus status, TenantId tenant,
		AgentId agentId, JobId jobId, TaskId taskId, String resource, List<String> scope, Duration ttl,
		String justification, Instant requestedAt, Instant timesOutAt, Instant decidedAt, String decidedBy,
		String reason, List<String> grantedScope, LeaseId leaseId) {

	static RequestView of(CredentialRequestRecord request, Instant now) {
		return new RequestView(request.requestId(), request.statusAt(now), request.tenant(), request.agentId(),
				request.jobId(), request.taskId(), request.resource(), request.scope(), request.cappedTtl(),
				request.justification(), request.requestedAt(), request.timesOutAt(), request.decidedAt(),
				request.decidedBy(), request.reason(), request.grantedScope(), request.leaseId());
	}

	record Page(List<RequestView> requests) {
	}
}
