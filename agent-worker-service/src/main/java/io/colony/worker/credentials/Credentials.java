package io.colony.worker.credentials;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Credentials for tools, from the credential service: asked for with this worker's signature, held per task,
 * resource and scope, renewed when close to expiry, and checked at every use.
 *
 * <p>{@link #acquire} returns a held credential, asking the service when none is held. When the answer is
 * {@code PENDING} the task parks: the returned {@code Mono} waits for the {@code credential.decided} event (no
 * thread), then claims the credential. A decision missed (the event lost while this worker's private queue was
 * being re-created) is found by asking once more at the approval timeout.
 *
 * <p>{@link #beforeUse} is the point-of-use check a tool makes right before it sends the token: refused when the
 * token has expired ({@code now >= expiresAt}) or its lease was revoked. Every use and every refusal is reported
 * ({@code CredentialUsed}); a report that cannot be sent does not stop the tool.
 *
 * <p>A revoked lease's tokens are dropped at once; the task's next use is refused and reported, and a use after
 * that asks the service anew (where policy, or a person, decides again).
 */
public final class Credentials {

	private static final Logger log = LoggerFactory.getLogger(Credentials.class);

	/**
	 * How long a revoked lease this worker did not hold is remembered: such a lease could only reach it through a
	 * claim or renewal under way when the revocation arrived.
	 */
	static final Duration UNHELD_REVOCATION_RETENTION = Duration.ofHours(1);

	private final LongAdder revocationsReceived = new LongAdder();

	private final CredentialBroker broker;

	private final CredentialDecisions decisions = new CredentialDecisions();

	private final CredentialCache cache;

	private final RevokedLeases revoked;

	private final Consumer<CredentialUsed> reports;

	private final AgentId agentId;

	private final Duration approvalTimeout;

	private final Duration renewBefore;

	private final Clock clock;

	/** @param reports sends each {@code CredentialUsed}; must not block, and its failures are logged and ignored */
	public Credentials(CredentialBroker broker, CredentialsProperties properties, AgentId agentId,
			Consumer<CredentialUsed> reports, Clock clock) {
		this.broker = broker;
		this.cache = new CredentialCache(properties.maxCached(), clock);
		this.revoked = new RevokedLeases(properties.maxRevoked(), clock);
		this.reports = reports;
		this.agentId = agentId;
		this.approvalTimeout = properties.approvalTimeout();
		this.renewBefore = properties.renewBefore();
		this.clock = clock;
	}

	/**
	 * The credential for {@code need}: the one this task holds for the same resource and scope (renewed first when
	 * it expires within {@code renew-before}), else a new one, waiting for a person's decision when policy asks
	 * for one. Fails with {@link CredentialDenied}, {@link ApprovalTimedOut}, {@link LeaseEnded},
	 * {@link CredentialRequestRejected} or {@link CredentialServiceUnavailable}.
	 */
	public Mono<HeldCredential> acquire(CredentialNeed need) {
		return Mono.defer(() -> {
			HeldCredential held = cache.get(need.key());
			if (held == null) {
				return requestAnew(need);
			}
			if (held.tokenDropped() || revoked.get(held.leaseId()) != null) {
				// the point-of-use check refuses it, and reports that
				return Mono.just(held);
			}
			Instant now = clock.instant();
			if (now.isBefore(held.expiresAt().minus(renewBefore))) {
				return Mono.just(held);
			}
			if (now.isBefore(held.expiresAt())) {
				// at its maximum lifetime it is used until it expires; a new lease is asked for after that
				return held.renewable() ? renew(held) : Mono.just(held);
			}
			cache.remove(held);
			return requestAnew(need);
		});
	}

	/**
	 * The point-of-use check, right before {@code tool} sends the token: returns the token, or fails with
	 * {@link CredentialExpired} ({@code now >= expiresAt}, no grace) or {@link LeaseRevoked}. Reports the use or the
	 * refusal either way.
	 */
	public String beforeUse(HeldCredential held, String tool) {
		Instant now = clock.instant();
		RevokedLeases.Revocation revocation = revoked.get(held.leaseId());
		if (revocation != null || held.tokenDropped()) {
			cache.remove(held);
			report(held, tool, CredentialUsed.REFUSED_REVOKED, now);
			log.info("task {}: {} refused lease {}, which was revoked", held.need().taskId(), tool, held.leaseId());
			throw new LeaseRevoked(held.leaseId(), revocation == null ? null : revocation.reason());
		}
		if (!now.isBefore(held.expiresAt())) {
			cache.remove(held);
			report(held, tool, CredentialUsed.REFUSED_EXPIRED, now);
			log.info("task {}: {} refused lease {}, whose token expired at {}", held.need().taskId(), tool,
					held.leaseId(), held.expiresAt());
			throw new CredentialExpired(held.leaseId(), held.expiresAt());
		}
		report(held, tool, CredentialUsed.USED, now);
		return held.token();
	}

	/** A {@code credential.decided} event: wakes the task waiting for it, if it waits here. */
	public void decided(CredentialRequestDecided event) {
		decisions.decided(event);
	}

	/**
	 * A {@code credential.revoked} event: a lease of this agent is remembered as revoked (until its maximum
	 * lifetime) before its tokens are dropped, so that no use slips between the two. Other agents' are ignored.
	 */
	public void revoked(CredentialRevoked event) {
		revocationsReceived.increment();
		if (event.leaseId() == null || !agentId.equals(event.agentId())) {
			return;
		}
		Instant heldUntil = cache.maxExpiresAtOf(event.leaseId());
		revoked.add(event.leaseId(), event.reason(),
				heldUntil != null ? heldUntil : clock.instant().plus(UNHELD_REVOCATION_RETENTION));
		cache.dropTokens(event.leaseId());
		log.info("lease {} revoked by {}{}", event.leaseId(), event.revokedBy(), heldUntil != null
				? ": its token is dropped and its next use refused" : " (not held here)");
	}

	/** The job has ended: its tasks' credentials are dropped. */
	public void jobEnded(JobId jobId) {
		cache.forgetJob(jobId);
	}

	/** Whether the point-of-use check refuses {@code leaseId} as revoked. */
	public boolean isRevoked(LeaseId leaseId) {
		return revoked.get(leaseId) != null;
	}

	/** Requests this worker has sent or is about to send and not yet settled, most of them waiting for a person. */
	public int waitingCount() {
		return decisions.waitingCount();
	}

	/** Revocations this worker has heard of, its own agent's or not: how far revocation has reached, for metrics. */
	public long revocationsReceived() {
		return revocationsReceived.sum();
	}

	/** Credentials held, one per task, resource and scope. */
	public int heldCount() {
		return cache.size();
	}

	private Mono<HeldCredential> renew(HeldCredential held) {
		return broker.renew(held.leaseId())
			.map(fresh -> hold(held.need(), fresh))
			.onErrorResume(CredentialFailure.class, failure -> switch (failure) {
				case MaxLifetimeReached atLimit -> {
					cache.remove(held);
					yield requestAnew(held.need());
				}
				case LeaseEnded ended -> {
					cache.remove(held);
					yield revoked.get(held.leaseId()) != null ? Mono.just(held) : requestAnew(held.need());
				}
				default -> {
					// the token is still valid until it expires: use it, and try renewing again next time
					log.warn("task {}: lease {} not renewed: {}", held.need().taskId(), held.leaseId(),
							failure.getMessage());
					yield Mono.just(held);
				}
			});
	}

	/**
	 * Registers for the decision before sending the request, so that a decision made before the service's answer
	 * arrives still wakes the task.
	 */
	private Mono<HeldCredential> requestAnew(CredentialNeed need) {
		return Mono.defer(() -> {
			CredentialRequestId requestId = CredentialRequestId.random();
			Sinks.One<CredentialRequestDecided> decision = decisions.register(requestId);
			return broker.request(requestId, need)
				.flatMap(answer -> answer.status() == CredentialRequestStatus.PENDING
						? park(requestId, need, decision)
						: settle(requestId, Outcome.of(answer)))
				.map(issued -> hold(need, issued))
				.doFinally(signal -> decisions.forget(requestId, decision));
		});
	}

	private Mono<IssuedCredential> park(CredentialRequestId requestId, CredentialNeed need,
			Sinks.One<CredentialRequestDecided> decision) {
		log.info("task {} waits for a person to decide credential request {} ({} on {})", need.taskId(), requestId,
				need.scope(), need.resource());
		return decision.asMono()
			.map(decided -> new Outcome(decided.status(), decided.reason(), null))
			// same request id and content, a new nonce: the service answers the request's current state
			.timeout(approvalTimeout, Mono.defer(() -> broker.request(requestId, need).map(Outcome::of)))
			.flatMap(outcome -> outcome.status() == CredentialRequestStatus.PENDING
					? Mono.error(new ApprovalTimedOut("nobody decided it within " + approvalTimeout))
					: settle(requestId, outcome));
	}

	private Mono<IssuedCredential> settle(CredentialRequestId requestId, Outcome outcome) {
		return switch (outcome.status()) {
			case GRANTED -> outcome.credential() != null ? Mono.just(outcome.credential()) : broker.claim(requestId);
			case DENIED -> Mono.error(new CredentialDenied(outcome.reason()));
			case TIMED_OUT -> Mono.error(new ApprovalTimedOut(outcome.reason()));
			case PENDING -> Mono.error(new ApprovalTimedOut("still waiting for a decision"));
			case null -> Mono.error(new CredentialServiceUnavailable("an answer without a status"));
		};
	}

	/** Held for the task's later calls, unless its lease was revoked meanwhile (then it is refused at its use). */
	private HeldCredential hold(CredentialNeed need, IssuedCredential issued) {
		if (issued.leaseId() == null || issued.token() == null || issued.expiresAt() == null) {
			throw new CredentialServiceUnavailable("an incomplete credential (lease, token or expiry missing)");
		}
		HeldCredential held = new HeldCredential(need, issued);
		if (revoked.get(issued.leaseId()) == null) {
			cache.put(held);
		}
		return held;
	}

	private void report(HeldCredential held, String tool, String outcome, Instant at) {
		try {
			reports.accept(new CredentialUsed(held.leaseId(), held.need().tenant(), agentId, held.need().taskId(),
					tool, outcome, at));
		}
		catch (RuntimeException ex) {
			log.warn("could not report {} of lease {}: {}", outcome, held.leaseId(), ex.toString());
		}
	}

	/** A request's state as the answer to it or its decision event tells it. */
	private record Outcome(CredentialRequestStatus status, String reason, IssuedCredential credential) {

		static Outcome of(CredentialRequestAnswer answer) {
			return new Outcome(answer.status(), answer.reason(), answer.credential());
		}
	}
}
