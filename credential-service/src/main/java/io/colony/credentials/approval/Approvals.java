package io.colony.credentials.approval;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;
import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.auditing.AuditRecorder;
import io.colony.credentials.lease.LeaseTerms;
import io.colony.credentials.lease.Leases;
import io.colony.credentials.request.CredentialRequestRecord;
import io.colony.credentials.request.RequestEvents;
import io.colony.credentials.request.RequestNotFound;
import io.colony.credentials.request.RequestStore;
import io.colony.credentials.security.Operator;
import io.colony.credentials.web.InvalidInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * People's decisions on pending requests, and the timeout of those nobody decides. A request is decided once: the
 * row is locked, and a second decision (an approval replayed, an approval after a denial) finds it decided and is
 * refused with nothing changed. An approval opens the lease (the agent collects the token with a claim); every
 * decision is audited and announced with {@code CredentialRequestDecided} in the same transaction.
 *
 * <p>An approval may narrow the request, never widen it: a subset of the requested scope, a ttl up to the policy's
 * limit for the requested scope (the limits fixed when it was requested).
 */
@Component
class Approvals {

	private static final Logger log = LoggerFactory.getLogger(Approvals.class);

	static final String DECIDED = "decided";

	static final String TIMEOUT = "timeout";

	private final RequestStore store;

	private final Leases leases;

	private final RequestEvents events;

	private final AuditRecorder audit;

	private final Clock clock;

	Approvals(RequestStore store, Leases leases, RequestEvents events, AuditRecorder audit, Clock clock) {
		this.store = store;
		this.leases = leases;
		this.events = events;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * @param scope what to grant, {@code null} for everything requested
	 * @param ttl the token lifetime to grant, {@code null} for what was asked (within policy)
	 * @param note the approver's note, recorded as the decision's reason
	 */
	@Transactional
	RequestView approve(Operator operator, CredentialRequestId requestId, List<String> scope, Duration ttl,
			String note) {
		Instant now = clock.instant();
		CredentialRequestRecord request = pending(operator.tenant(), requestId, now);
		List<String> granted = scope == null ? request.scope() : narrowed(scope, request.scope());
		if (ttl != null && ttl.compareTo(request.limits().maxTtl()) > 0) {
			throw new TtlTooLong(ttl, request.limits().maxTtl());
		}
		LeaseTerms terms = LeaseTerms.grant(granted, request.askedTtl(), ttl, request.limits(), now);
		LeaseId leaseId = LeaseId.random();
		store.decide(requestId, CredentialRequestStatus.GRANTED, now, operator.subject(), note, terms.scope(), leaseId);
		leases.open(leaseId, requestId, request.tenant(), request.agentId(), request.taskId(), request.resource(), terms);
		audit.record(new AuditEntry(DECIDED, request.tenant(), requestId, leaseId, operator.subject(),
				AuditRecorder.details("status", CredentialRequestStatus.GRANTED, "scope", terms.scope(), "ttl",
						terms.ttl(), "expiresAt", terms.expiresAt(), "maxExpiresAt", terms.maxExpiresAt(), "note", note)));
		events.decided(request, CredentialRequestStatus.GRANTED, leaseId, terms.scope(), terms.expiresAt(),
				operator.subject(), note, now);
		log.info("request {} of agent {} approved by {}: {} until {}", requestId, request.agentId(), operator.subject(),
				terms.scope(), terms.expiresAt());
		return view(requestId, now);
	}

	@Transactional
	RequestView deny(Operator operator, CredentialRequestId requestId, String reason) {
		Instant now = clock.instant();
		CredentialRequestRecord request = pending(operator.tenant(), requestId, now);
		store.decide(requestId, CredentialRequestStatus.DENIED, now, operator.subject(), reason, List.of(), null);
		audit.record(new AuditEntry(DECIDED, request.tenant(), requestId, null, operator.subject(),
				AuditRecorder.details("status", CredentialRequestStatus.DENIED, "reason", reason)));
		events.decided(request, CredentialRequestStatus.DENIED, null, List.of(), null, operator.subject(), reason, now);
		log.info("request {} of agent {} denied by {}", requestId, request.agentId(), operator.subject());
		return view(requestId, now);
	}

	/**
	 * Times out up to {@code limit} pending requests nobody decided in time; returns how many. Rows another
	 * transaction holds (a decision under way) are left for a later call.
	 */
	@Transactional
	int timeOutDue(int limit) {
		Instant now = clock.instant();
		List<CredentialRequestRecord> due = store.lockTimedOut(now, limit);
		for (CredentialRequestRecord request : due) {
			String reason = "nobody approved or denied it before " + request.timesOutAt();
			store.decide(request.requestId(), CredentialRequestStatus.TIMED_OUT, now, TIMEOUT, reason, List.of(), null);
			audit.record(new AuditEntry(DECIDED, request.tenant(), request.requestId(), null, "system",
					AuditRecorder.details("status", CredentialRequestStatus.TIMED_OUT, "decidedBy", TIMEOUT, "reason",
							reason)));
			events.decided(request, CredentialRequestStatus.TIMED_OUT, null, List.of(), null, TIMEOUT, reason, now);
		}
		return due.size();
	}

	@Transactional(readOnly = true)
	RequestView find(TenantId tenant, CredentialRequestId requestId) {
		return store.find(requestId, tenant)
			.map(request -> RequestView.of(request, clock.instant()))
			.orElseThrow(() -> new RequestNotFound(requestId.toString()));
	}

	@Transactional(readOnly = true)
	List<RequestView> list(TenantId tenant, CredentialRequestStatus status, int limit) {
		Instant now = clock.instant();
		return store.list(tenant, status, now, limit).stream().map(request -> RequestView.of(request, now)).toList();
	}

	/** Locks the tenant's request and checks it can still be decided. */
	private CredentialRequestRecord pending(TenantId tenant, CredentialRequestId requestId, Instant now) {
		CredentialRequestRecord request = store.findForUpdate(requestId, tenant)
			.orElseThrow(() -> new RequestNotFound(requestId.toString()));
		if (request.statusAt(now) != CredentialRequestStatus.PENDING) {
			throw new AlreadyDecided(requestId, request.statusAt(now));
		}
		return request;
	}

	private static List<String> narrowed(List<String> scope, List<String> requested) {
		InvalidInput.require(!scope.isEmpty(), "scope must name at least one requested scope (or deny the request)");
		Set<String> seen = new HashSet<>();
		for (String token : scope) {
			InvalidInput.require(token != null, "scope must not hold null");
			InvalidInput.require(seen.add(token), "scope lists " + token + " twice");
			if (!requested.contains(token)) {
				throw new ScopeNotRequested(token, requested);
			}
		}
		return List.copyOf(scope);
	}

	private RequestView view(CredentialRequestId requestId, Instant now) {
		return RequestView.of(store.find(requestId).orElseThrow(), now);
	}
}
