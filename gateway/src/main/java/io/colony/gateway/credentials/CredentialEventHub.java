package io.colony.gateway.credentials;

import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.TenantId;
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
 * Fans the credential events of this gateway instance's private queue out to the operator streams open on it, by
 * tenant: a stream sees its own tenant's events and nothing else. With nobody of a tenant watching, its events are
 * dropped at once, so the queue never backs up; the console reloads the current state whenever it (re)connects.
 */
@Component
class CredentialEventHub implements SmartInitializingSingleton {

	private final ConcurrentMap<TenantId, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final int maxBuffered;

	CredentialEventHub(ColonyConsumers consumers, Declarables gatewayCredentialEventsQueue,
			CredentialsProperties properties) {
		this.consumers = consumers;
		this.queue = gatewayCredentialEventsQueue;
		this.maxBuffered = properties.maxBufferedEvents();
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, CredentialEvent.class, this::relayCredentialEvent);
	}

	/** Starts buffering {@code tenant}'s events; subscribe before loading the current state so nothing is lost. */
	Subscription subscribe(TenantId tenant) {
		Subscription subscription = new Subscription(tenant);
		subscriptions.computeIfAbsent(tenant, id -> ConcurrentHashMap.newKeySet()).add(subscription);
		return subscription;
	}

	int openSubscriptions() {
		return subscriptions.values().stream().mapToInt(Set::size).sum();
	}

	CompletionStage<?> relayCredentialEvent(Inbound<CredentialEvent> inbound) {
		CredentialEvent event = inbound.payload();
		TenantId tenant = switch (event) {
			case CredentialApprovalRequested requested -> requested.tenant();
			case CredentialRequestDecided decided -> decided.tenant();
			case CredentialRevoked revoked -> revoked.tenant();
			// credential.used is not bound here; an unknown (newer) event has no tenant this build can trust
			default -> null;
		};
		if (tenant != null) {
			Set<Subscription> watching = subscriptions.get(tenant);
			if (watching != null) {
				watching.forEach(subscription -> subscription.offer(event));
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	/** One stream's view of its tenant's events; {@link #close()} it when the stream ends. */
	final class Subscription implements AutoCloseable {

		private final TenantId tenant;

		private final Sinks.Many<CredentialEvent> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<CredentialEvent>get(maxBuffered).get());

		private Subscription(TenantId tenant) {
			this.tenant = tenant;
		}

		Flux<CredentialEvent> events() {
			return sink.asFlux();
		}

		/**
		 * Called on the queue's single consumer thread only, so emissions never race. A stream whose buffer is full
		 * (it cannot keep up, or it never started reading) ends rather than skipping an event: its client reconnects
		 * and reloads. A cancelled or ended stream is simply dropped.
		 */
		private void offer(CredentialEvent event) {
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
