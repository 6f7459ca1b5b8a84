package io.colony.gateway.resident;

import io.colony.contracts.ResidentEvent;
import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownResidentEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Fans the resident agents' events of this gateway instance's private queue out to the streams open on it. Every
 * gateway instance receives every resident event and keeps only what a local stream watches: a stream sees its
 * tenant's events (all of them, or one agent's) and nothing of another tenant. With nobody of a tenant watching, its
 * events are dropped at once, so the queue never backs up.
 */
@Component
class ResidentEventHub implements SmartInitializingSingleton {

	private final ConcurrentMap<TenantId, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final int maxBuffered;

	ResidentEventHub(ColonyConsumers consumers, Declarables gatewayResidentEventsQueue,
			ResidentApiProperties properties) {
		this.consumers = consumers;
		this.queue = gatewayResidentEventsQueue;
		this.maxBuffered = properties.maxBufferedEvents();
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, ResidentEvent.class, this::relayResidentEvent);
	}

	/**
	 * Starts buffering {@code tenant}'s events, of every agent ({@code agentId} null) or of one. Subscribe before
	 * looking the agent up, so that nothing published between the lookup and the subscription is lost.
	 */
	Subscription subscribe(TenantId tenant, ResidentId agentId) {
		Subscription subscription = new Subscription(tenant, agentId);
		subscriptions.computeIfAbsent(tenant, id -> ConcurrentHashMap.newKeySet()).add(subscription);
		return subscription;
	}

	int openSubscriptions() {
		return subscriptions.values().stream().mapToInt(Set::size).sum();
	}

	CompletionStage<?> relayResidentEvent(Inbound<ResidentEvent> inbound) {
		ResidentEvent event = inbound.payload();
		// an unknown (newer) event: this build cannot say what a client may see of it
		if (!(event instanceof UnknownResidentEvent) && event.tenant() != null && event.agentId() != null) {
			Set<Subscription> watching = subscriptions.get(event.tenant());
			if (watching != null) {
				watching.forEach(subscription -> subscription.offer(event));
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	/** One stream's view of its tenant's (or one agent's) events; {@link #close()} it when the stream ends. */
	final class Subscription implements AutoCloseable {

		private final TenantId tenant;

		private final ResidentId agentId;

		private final Sinks.Many<ResidentEvent> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<ResidentEvent>get(maxBuffered).get());

		private Subscription(TenantId tenant, ResidentId agentId) {
			this.tenant = tenant;
			this.agentId = agentId;
		}

		Flux<ResidentEvent> events() {
			return sink.asFlux();
		}

		/**
		 * Called on the queue's single consumer thread only, so emissions never race. A stream whose buffer is full
		 * ends rather than skipping an event; a cancelled or ended stream is simply dropped.
		 */
		private void offer(ResidentEvent event) {
			if (!tenant.equals(event.tenant()) || agentId != null && !agentId.equals(event.agentId())) {
				return;
			}
			if (sink.tryEmitNext(event).isFailure()) {
				sink.tryEmitComplete();
				close();
			}
		}

		@Override
		public void close() {
			subscriptions.computeIfPresent(tenant, (id, set) -> {
				set.remove(this);
				return set.isEmpty() ? null : set;
			});
		}
	}
}
