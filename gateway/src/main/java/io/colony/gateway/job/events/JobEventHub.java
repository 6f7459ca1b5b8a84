package io.colony.gateway.job.events;

import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownJobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Fans job events from this gateway instance's private queue out to the event streams open on it. Every
 * gateway instance receives every job event ({@code job.#}) and keeps only what a local subscriber watches;
 * with nobody watching a job its events are dropped at once, so the queue never backs up. The queue is
 * exclusive and auto-deleted: it lives exactly as long as this instance's connection.
 */
@Component
class JobEventHub implements SmartInitializingSingleton {

	private final ConcurrentMap<JobId, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

	private final ColonyConsumers consumers;

	private final Declarables queue;

	JobEventHub(ColonyConsumers consumers, Declarables gatewayEventsQueue) {
		this.consumers = consumers;
		this.queue = gatewayEventsQueue;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, JobEvent.class, this::relayJobEvent);
	}

	/**
	 * Starts buffering the events of {@code jobId} for {@code tenant}. Subscribe before looking the job up, so
	 * that nothing published between the lookup and the subscription is lost.
	 */
	Subscription subscribe(JobId jobId, TenantId tenant) {
		Subscription subscription = new Subscription(jobId, tenant);
		subscriptions.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(subscription);
		return subscription;
	}

	int openSubscriptions() {
		return subscriptions.values().stream().mapToInt(Set::size).sum();
	}

	private CompletionStage<?> relayJobEvent(Inbound<JobEvent> inbound) {
		JobEvent event = inbound.payload();
		if (event instanceof UnknownJobEvent || event.jobId() == null) {
			return CompletableFuture.completedFuture(null);
		}
		Set<Subscription> watching = subscriptions.get(event.jobId());
		if (watching != null) {
			watching.forEach(subscription -> subscription.offer(event));
			if (event instanceof JobCompleted) {
				// exactly one per job: nothing can follow, so drop what is left (streams end on this event)
				subscriptions.remove(event.jobId(), watching);
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	/** One stream's view of one job's live events; {@link #close()} it when the stream ends. */
	final class Subscription implements AutoCloseable {

		private final JobId jobId;

		private final TenantId tenant;

		private final Sinks.Many<JobEvent> sink = Sinks.many().unicast().onBackpressureBuffer();

		private Subscription(JobId jobId, TenantId tenant) {
			this.jobId = jobId;
			this.tenant = tenant;
		}

		Flux<JobEvent> events() {
			return sink.asFlux();
		}

		private void offer(JobEvent event) {
			if (tenant.equals(event.tenant())) {
				sink.emitNext(event, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
			}
		}

		@Override
		public void close() {
			subscriptions.computeIfPresent(jobId, (id, set) -> {
				set.remove(this);
				return set.isEmpty() ? null : set;
			});
		}
	}
}
