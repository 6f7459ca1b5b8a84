package io.colony.credentials.request;

import io.colony.contracts.CredentialClaim;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseId;
import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.auditing.AuditRecorder;
import io.colony.credentials.lease.LeaseRecord;
import io.colony.credentials.lease.LeaseTerms;
import io.colony.credentials.lease.Leases;
import io.colony.credentials.policy.CredentialPolicy;
import io.colony.credentials.policy.PolicyDecision;
import io.colony.credentials.policy.PolicyLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Agents' requests and claims, once their signature, freshness and nonce passed (the caller's transaction). A new
 * request is decided by policy at once: denied, left pending for a person, or granted with a lease whose first
 * token goes back in the answer. A retry (same id, same content) answers the current state and never hands out a
 * token again; a claim does, to the requesting agent only. Every change is audited and announced in the same
 * transaction.
 */
@Component
class CredentialRequests {

	private static final Logger log = LoggerFactory.getLogger(CredentialRequests.class);

	static final String REQUESTED = "requested";

	static final String DECIDED = "decided";

	static final String POLICY = "policy";

	private final RequestStore store;

	private final CredentialPolicy policy;

	private final Leases leases;

	private final RequestEvents events;

	private final AuditRecorder audit;

	private final RequestProperties properties;

	private final Clock clock;

	CredentialRequests(RequestStore store, CredentialPolicy policy, Leases leases, RequestEvents events,
			AuditRecorder audit, RequestProperties properties, Clock clock) {
		this.store = store;
		this.policy = policy;
		this.leases = leases;
		this.events = events;
		this.audit = audit;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * @throws RequestConflict when the id was used before for other content
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	CredentialRequestAnswer submit(CredentialRequest request) {
		Instant now = clock.instant();
		String fingerprint = RequestFingerprint.of(request);
		PolicyDecision decision = policy.evaluate(request.scope());
		LeaseTerms terms = decision instanceof PolicyDecision.AutoGrant grant
				? LeaseTerms.grant(request.scope(), request.ttl(), null, grant.limits(), now) : null;
		CredentialRequestRecord record = switch (decision) {
			case PolicyDecision.Deny deny -> record(request, fingerprint, CredentialRequestStatus.DENIED, now, null,
					null, POLICY, deny.reason(), List.of(), null);
			case PolicyDecision.NeedsApproval approval -> record(request, fingerprint, CredentialRequestStatus.PENDING,
					now, now.plus(properties.approvalTimeout()), approval.limits(), null, null, List.of(), null);
			case PolicyDecision.AutoGrant grant -> record(request, fingerprint, CredentialRequestStatus.GRANTED, now,
					null, grant.limits(), POLICY, null, terms.scope(), LeaseId.random());
		};
		if (!store.insert(record)) {
			return retry(request, fingerprint);
		}
		audit.record(new AuditEntry(REQUESTED, record.tenant(), record.requestId(), null, record.agentId().value(),
				AuditRecorder.details("resource", record.resource(), "scope", record.scope(), "ttl", record.askedTtl(),
						"jobId", record.jobId(), "taskId", record.taskId(), "justification", record.justification())));
		return switch (decision) {
			case PolicyDecision.Deny deny -> deny(record, deny.reason(), now);
			case PolicyDecision.NeedsApproval approval -> awaitApproval(record);
			case PolicyDecision.AutoGrant grant -> grant(record, terms, now);
		};
	}

	private CredentialRequestAnswer deny(CredentialRequestRecord request, String reason, Instant now) {
		audit.record(new AuditEntry(DECIDED, request.tenant(), request.requestId(), null, POLICY,
				AuditRecorder.details("status", CredentialRequestStatus.DENIED, "reason", reason)));
		events.decided(request, CredentialRequestStatus.DENIED, null, List.of(), null, POLICY, reason, now);
		log.info("request {} of agent {} for {} denied by policy: {}", request.requestId(), request.agentId(),
				request.scope(), reason);
		return new CredentialRequestAnswer(request.requestId(), CredentialRequestStatus.DENIED, reason, null);
	}

	private CredentialRequestAnswer awaitApproval(CredentialRequestRecord request) {
		events.approvalRequested(request);
		log.info("request {} of agent {} for {} waits for approval until {}", request.requestId(), request.agentId(),
				request.scope(), request.timesOutAt());
		return new CredentialRequestAnswer(request.requestId(), CredentialRequestStatus.PENDING,
				pendingReason(request), null);
	}

	private CredentialRequestAnswer grant(CredentialRequestRecord request, LeaseTerms terms, Instant now) {
		LeaseRecord lease = leases.open(request.leaseId(), request.requestId(), request.tenant(), request.agentId(),
				request.taskId(), request.resource(), terms);
		audit.record(new AuditEntry(DECIDED, request.tenant(), request.requestId(), lease.leaseId(), POLICY,
				AuditRecorder.details("status", CredentialRequestStatus.GRANTED, "scope", terms.scope(), "ttl",
						terms.ttl(), "expiresAt", terms.expiresAt(), "maxExpiresAt", terms.maxExpiresAt())));
		IssuedCredential credential = leases.issue(lease, now);
		events.decided(request, CredentialRequestStatus.GRANTED, lease.leaseId(), terms.scope(), terms.expiresAt(),
				POLICY, null, now);
		log.info("request {} of agent {} for {} granted by policy: lease {} until {}", request.requestId(),
				request.agentId(), terms.scope(), lease.leaseId(), terms.expiresAt());
		return new CredentialRequestAnswer(request.requestId(), CredentialRequestStatus.GRANTED, null, credential);
	}

	/** The same request again: its current state, without a credential (claims hand those out). */
	private CredentialRequestAnswer retry(CredentialRequest request, String fingerprint) {
		CredentialRequestRecord existing = store.find(request.requestId()).orElseThrow();
		if (!existing.fingerprint().equals(fingerprint)) {
			throw new RequestConflict(request.requestId());
		}
		String reason = existing.status() == CredentialRequestStatus.PENDING ? pendingReason(existing)
				: existing.status() == CredentialRequestStatus.GRANTED ? null : existing.reason();
		return new CredentialRequestAnswer(existing.requestId(), existing.status(), reason, null);
	}

	/**
	 * Hands the requesting agent a token of its granted request's lease.
	 *
	 * @throws RequestNotFound when there is no such request
	 * @throws NotRequester when another agent made it
	 * @throws NotGranted when it is pending, denied or timed out
	 * @throws io.colony.credentials.lease.LeaseEnded when its lease was revoked or expired
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	IssuedCredential claim(CredentialClaim claim) {
		Instant now = clock.instant();
		CredentialRequestRecord request = store.find(claim.requestId())
			.orElseThrow(() -> new RequestNotFound(claim.requestId().toString()));
		if (!request.agentId().equals(claim.agentId())) {
			throw new NotRequester(request.requestId(), claim.agentId(), request.tenant());
		}
		if (request.status() != CredentialRequestStatus.GRANTED) {
			throw new NotGranted(request.requestId(), request.status());
		}
		return leases.issue(request.leaseId(), now);
	}

	private static String pendingReason(CredentialRequestRecord request) {
		return "waiting for a person to approve " + request.scope() + " until " + request.timesOutAt();
	}

	private static CredentialRequestRecord record(CredentialRequest request, String fingerprint,
			CredentialRequestStatus status, Instant now, Instant timesOutAt, PolicyLimits limits, String decidedBy,
			String reason, List<String> grantedScope, LeaseId leaseId) {
		return new CredentialRequestRecord(request.requestId(), request.tenant(), request.agentId(), request.jobId(),
				request.taskId(), request.resource(), request.scope(), request.ttl(), request.justification(),
				fingerprint, status, now, timesOutAt, limits, decidedBy == null ? null : now, decidedBy, reason,
				grantedScope, leaseId);
	}
}
