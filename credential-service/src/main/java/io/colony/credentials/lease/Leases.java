package io.colony.credentials.lease;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.Destinations;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseRenewal;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.auditing.AuditRecorder;
import io.colony.credentials.security.Operator;
import io.colony.credentials.token.TokenMinter;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases: opened when a request is granted, hand out tokens (claims and auto-grants), renewed by their holder up to
 * their hard limit, revoked by an operator, expired by {@link LeaseExpirySweeper}. Every change and every token
 * handed out is audited in the transaction that makes it; revocations are announced through the outbox in the same
 * transaction.
 */
@Component
public class Leases {

	private static final Logger log = LoggerFactory.getLogger(Leases.class);

	public static final String ISSUED = "issued";

	static final String RENEWED = "renewed";

	static final String REVOKED = "revoked";

	static final String EXPIRED = "expired";

	public static final String BEARER = "Bearer";

	/** The actor of what the service does on its own: expiry, and ending the leases of a job that ended. */
	static final String SYSTEM = "system";

	private final LeaseStore store;

	private final TokenMinter minter;

	private final AuditRecorder audit;

	private final Outbox outbox;

	private final Clock clock;

	Leases(LeaseStore store, TokenMinter minter, AuditRecorder audit, Outbox outbox, Clock clock) {
		this.store = store;
		this.minter = minter;
		this.audit = audit;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Opens lease {@code leaseId} of a request just granted (and already stored as such); the caller audits the
	 * decision.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public LeaseRecord open(LeaseId leaseId, CredentialRequestId requestId, TenantId tenant, AgentId agentId,
			TaskId taskId, String resource, LeaseTerms terms) {
		LeaseRecord lease = new LeaseRecord(leaseId, requestId, tenant, agentId, taskId, resource,
				terms.scope(), terms.ttl(), terms.issuedAt(), terms.expiresAt(), terms.maxExpiresAt(), LeaseStatus.ACTIVE,
				null, null, null);
		store.insert(lease);
		return lease;
	}

	/**
	 * Locks lease {@code leaseId} and hands its holder a token that expires with the lease's current token (a claim
	 * never extends a lease; renewals do).
	 *
	 * @throws LeaseEnded when the lease is revoked or expired
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public IssuedCredential issue(LeaseId leaseId, Instant now) {
		LeaseRecord lease = store.findForUpdate(leaseId).orElseThrow(() -> new LeaseNotFound(leaseId));
		if (!lease.activeAt(now)) {
			throw new LeaseEnded(leaseId, lease.statusAt(now));
		}
		return issue(lease, now);
	}

	/** Hands out a token of {@code lease}, which the caller holds locked or just opened, and audits it. */
	@Transactional(propagation = Propagation.MANDATORY)
	public IssuedCredential issue(LeaseRecord lease, Instant now) {
		audit.record(new AuditEntry(ISSUED, lease.tenant(), lease.requestId(), lease.leaseId(), lease.agentId().value(),
				AuditRecorder.details("scope", lease.scope(), "audience", lease.resource(), "expiresAt",
						lease.expiresAt(), "maxExpiresAt", lease.maxExpiresAt())));
		return credential(lease, now);
	}

	/**
	 * Renews a lease for its holder: a new token until min(now + ttl, maxExpiresAt).
	 *
	 * @throws LeaseNotFound when there is no such lease
	 * @throws NotLeaseHolder when another agent holds it
	 * @throws LeaseEnded when it was revoked or expired (renew before the token expires)
	 * @throws MaxLifetimeReached when its token already lasts until the hard limit
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public IssuedCredential renew(LeaseRenewal renewal) {
		Instant now = clock.instant();
		LeaseRecord lease = store.findForUpdate(renewal.leaseId())
			.orElseThrow(() -> new LeaseNotFound(renewal.leaseId()));
		if (!lease.agentId().equals(renewal.agentId())) {
			throw new NotLeaseHolder(lease.leaseId(), renewal.agentId(), lease.tenant());
		}
		if (!lease.activeAt(now)) {
			throw new LeaseEnded(lease.leaseId(), lease.statusAt(now));
		}
		if (!lease.expiresAt().isBefore(lease.maxExpiresAt())) {
			throw new MaxLifetimeReached(lease.leaseId(), lease.maxExpiresAt());
		}
		Instant expiresAt = LeaseTerms.renewedExpiry(lease.ttl(), lease.expiresAt(), lease.maxExpiresAt(), now);
		store.renew(lease.leaseId(), expiresAt);
		LeaseRecord renewed = withExpiry(lease, expiresAt);
		audit.record(new AuditEntry(RENEWED, lease.tenant(), lease.requestId(), lease.leaseId(), lease.agentId().value(),
				AuditRecorder.details("previousExpiresAt", lease.expiresAt(), "expiresAt", expiresAt, "maxExpiresAt",
						lease.maxExpiresAt())));
		return credential(renewed, now);
	}

	/**
	 * Revokes a lease of the operator's tenant and announces it. Revoking a revoked lease changes nothing.
	 *
	 * @throws LeaseNotFound when the tenant has no such lease
	 * @throws LeaseNotRevocable when it expired
	 */
	@Transactional
	public LeaseRecord revoke(Operator operator, LeaseId leaseId, String reason) {
		Instant now = clock.instant();
		LeaseRecord lease = store.findForUpdate(leaseId, operator.tenant())
			.orElseThrow(() -> new LeaseNotFound(leaseId));
		if (lease.status() == LeaseStatus.REVOKED) {
			return lease;
		}
		if (!lease.activeAt(now)) {
			throw new LeaseNotRevocable(leaseId);
		}
		store.end(leaseId, LeaseStatus.REVOKED, now, operator.subject(), reason);
		audit.record(new AuditEntry(REVOKED, lease.tenant(), lease.requestId(), leaseId, operator.subject(),
				AuditRecorder.details("reason", reason, "expiresAt", lease.expiresAt())));
		outbox.append(new OutboxMessage(Destinations.CREDENTIALS, Destinations.CREDENTIAL_REVOKED,
				new CredentialRevoked(leaseId, lease.requestId(), lease.tenant(), lease.agentId(), operator.subject(),
						reason, now),
				messageId(leaseId, "revoked"), lease.tenant(), null, null));
		log.info("lease {} of agent {} revoked by {}", leaseId, lease.agentId(), operator.subject());
		return store.find(leaseId).orElseThrow();
	}

	/**
	 * Ends every active lease granted to a task of {@code jobId} because the job ended: no task of it can use them
	 * any more, so they must not outlive it until their tokens expire. Each is revoked by {@code system}, audited and
	 * announced like an operator's revocation. Idempotent: a job that ended before has no active lease left. Returns
	 * how many were ended.
	 */
	@Transactional
	public int endWithJob(JobId jobId, String why) {
		Instant now = clock.instant();
		List<LeaseRecord> active = store.lockActiveOfJob(jobId);
		for (LeaseRecord lease : active) {
			if (!lease.activeAt(now)) {
				continue; // its token expired: the expiry sweep records that
			}
			store.end(lease.leaseId(), LeaseStatus.REVOKED, now, SYSTEM, why);
			audit.record(new AuditEntry(REVOKED, lease.tenant(), lease.requestId(), lease.leaseId(), SYSTEM,
					AuditRecorder.details("reason", why, "jobId", jobId, "expiresAt", lease.expiresAt())));
			outbox.append(new OutboxMessage(Destinations.CREDENTIALS, Destinations.CREDENTIAL_REVOKED,
					new CredentialRevoked(lease.leaseId(), lease.requestId(), lease.tenant(), lease.agentId(), SYSTEM,
							why, now),
					messageId(lease.leaseId(), "revoked"), lease.tenant(), null, null));
		}
		if (!active.isEmpty()) {
			log.info("ended {} lease(s) of job {}: {}", active.size(), jobId, why);
		}
		return active.size();
	}

	/**
	 * Marks every active lease whose token expired by now as {@code EXPIRED}, at most {@code limit} per call, each
	 * with an {@code expired} audit entry; returns how many. Rows other transactions hold are left for a later call.
	 */
	@Transactional
	public int expireDue(int limit) {
		Instant now = clock.instant();
		List<LeaseRecord> due = store.lockExpired(now, limit);
		for (LeaseRecord lease : due) {
			String reason = lease.expiresAt().isBefore(lease.maxExpiresAt()) ? "not renewed before its token expired"
					: "maximum lifetime reached";
			store.end(lease.leaseId(), LeaseStatus.EXPIRED, lease.expiresAt(), SYSTEM, reason);
			audit.record(new AuditEntry(EXPIRED, lease.tenant(), lease.requestId(), lease.leaseId(), SYSTEM,
					AuditRecorder.details("reason", reason, "expiresAt", lease.expiresAt(), "maxExpiresAt",
							lease.maxExpiresAt())));
		}
		return due.size();
	}

	public Optional<LeaseRecord> find(LeaseId leaseId) {
		return store.find(leaseId);
	}

	Optional<LeaseRecord> find(LeaseId leaseId, TenantId tenant) {
		return store.find(leaseId, tenant);
	}

	List<LeaseRecord> list(TenantId tenant, LeaseStatus status, int limit) {
		return store.list(tenant, status, clock.instant(), limit);
	}

	private IssuedCredential credential(LeaseRecord lease, Instant now) {
		String token = minter.mint(new TokenMinter.TokenClaims(lease.leaseId(), lease.agentId(), lease.tenant(),
				lease.taskId(), lease.resource(), lease.scope(), now, lease.expiresAt()));
		return new IssuedCredential(lease.leaseId(), lease.requestId(), BEARER, token, lease.scope(), lease.resource(),
				lease.expiresAt(), lease.maxExpiresAt());
	}

	private static LeaseRecord withExpiry(LeaseRecord lease, Instant expiresAt) {
		return new LeaseRecord(lease.leaseId(), lease.requestId(), lease.tenant(), lease.agentId(), lease.taskId(),
				lease.resource(), lease.scope(), lease.ttl(), lease.issuedAt(), expiresAt, lease.maxExpiresAt(),
				lease.status(), lease.endedAt(), lease.endedBy(), lease.reason());
	}

	/** The same id for the same fact, so that a consumer can drop a republished copy. */
	static UUID messageId(Object id, String fact) {
		return UUID.nameUUIDFromBytes((id + ":" + fact).getBytes(StandardCharsets.UTF_8));
	}
}
