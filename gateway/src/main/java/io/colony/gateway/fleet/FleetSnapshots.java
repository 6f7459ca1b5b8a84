package io.colony.gateway.fleet;

import io.colony.contracts.TenantId;
import io.colony.gateway.fleet.FleetSnapshot.Approvals;
import io.colony.gateway.fleet.FleetSnapshot.Jobs;
import io.colony.gateway.fleet.FleetSnapshot.Queues;
import io.colony.gateway.fleet.FleetSnapshot.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Takes a {@link FleetSnapshot}: asks the broker, the registry, the orchestrator and (for a token that may see
 * them) the credential service at the same time, each within {@code timeout}, and turns any failure of one into
 * that section's {@link Availability#UNAVAILABLE} with a reason. The snapshot itself therefore always succeeds; it
 * takes at most about {@code timeout}, however many sources are down.
 */
final class FleetSnapshots {

	private static final Logger log = LoggerFactory.getLogger(FleetSnapshots.class);

	private final BrokerQueues queues;

	private final RegistryWorkers workers;

	private final JobCounts jobs;

	private final PendingApprovals approvals;

	private final Duration timeout;

	private final Clock clock;

	FleetSnapshots(BrokerQueues queues, RegistryWorkers workers, JobCounts jobs, PendingApprovals approvals,
			Duration timeout, Clock clock) {
		this.queues = queues;
		this.workers = workers;
		this.jobs = jobs;
		this.approvals = approvals;
		this.timeout = timeout;
		this.clock = clock;
	}

	/** Who asks, as far as the snapshot cares: approvals are shown only with their tenant and a token to forward. */
	record Caller(TenantId tenant, String approverToken) {

		static Caller withoutApprovals() {
			return new Caller(null, null);
		}

		boolean mayApprove() {
			return tenant != null && approverToken != null;
		}
	}

	Mono<FleetSnapshot> take(Caller caller) {
		Instant observedAt = clock.instant();
		Mono<Approvals> pending = caller.mayApprove()
				? guarded(approvals.read(caller.tenant(), caller.approverToken()), PendingApprovals.SOURCE,
						Approvals::unavailable)
				: Mono.just(PendingApprovals.omitted());
		return Mono
			.zip(guarded(queues.read(), BrokerQueues.SOURCE, Queues::unavailable),
					guarded(workers.read(), RegistryWorkers.SOURCE, Workers::unavailable),
					guarded(jobs.read(), JobCounts.SOURCE, Jobs::unavailable), pending)
			.map(sections -> new FleetSnapshot(observedAt, sections.getT1(), sections.getT2(), sections.getT3(),
					sections.getT4()));
	}

	private <T> Mono<T> guarded(Mono<T> section, String source, Function<String, T> unavailable) {
		return section.timeout(timeout).onErrorResume(error -> {
			String reason = SourceFailures.describe(source, error, timeout);
			// the console asks every two seconds: a source that is down would fill the log at a higher level
			log.debug("fleet view: {}", reason, error);
			return Mono.just(unavailable.apply(reason));
		});
	}
}
