package io.colony.worker.presence;

import io.colony.contracts.AgentDeparted;
import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.WorkerProperties;
import io.colony.worker.agent.Models;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.identity.WorkerKeys;
import io.colony.worker.task.InFlightTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Announces this worker to the registry: a heartbeat right after the consumers start and then every
 * {@code colony.worker.heartbeat-interval}, and {@link AgentDeparted} on shutdown. Heartbeats are
 * ephemeral (the next one follows shortly), so one that cannot be delivered, e.g. while no registry has
 * declared its queue yet, is dropped and logged rather than retried.
 */
@Component
class Presence implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Presence.class);

	private static final Duration DEPARTURE_WAIT = Duration.ofSeconds(5);

	private final MessagePublisher publisher;

	private final WorkerIdentity identity;

	private final WorkerProperties properties;

	private final InFlightTasks inFlight;

	private final List<AgentTypeDescriptor> agentTypes;

	private final WorkerKeys keys;

	private final Sinks.Many<Long> keyChanges = Sinks.many().multicast().directBestEffort();

	private final Clock clock = Clock.systemUTC();

	private volatile Disposable heartbeats;

	private volatile boolean undeliveredReported;

	Presence(MessagePublisher publisher, WorkerIdentity identity, WorkerProperties properties, InFlightTasks inFlight,
			ServedAgentTypes served, Models models, WorkerKeys keys) {
		this.publisher = publisher;
		this.keys = keys;
		keys.onChange(() -> keyChanges.tryEmitNext(0L));
		this.identity = identity;
		this.properties = properties;
		this.inFlight = inFlight;
		this.agentTypes = served.all()
			.stream()
			.map(type -> new AgentTypeDescriptor(type.name(), type.capability(), models.modelIdOf(type.model())))
			.toList();
	}

	@Override
	public void start() {
		// a key change (rotation, revocation) is announced at once rather than at the next tick
		heartbeats = Flux.merge(Flux.interval(Duration.ZERO, properties.heartbeatInterval()), keyChanges.asFlux())
			.onBackpressureDrop()
			.concatMap(tick -> Mono.defer(this::sendHeartbeat), 1)
			.subscribe();
	}

	private Mono<AgentHeartbeat> sendHeartbeat() {
		AgentHeartbeat heartbeat = heartbeat();
		return Mono.fromFuture(() -> publisher.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT,
				heartbeat)))
			.thenReturn(heartbeat)
			.doOnSuccess(delivered -> {
				undeliveredReported = false;
				keys.heartbeatDelivered(delivered.keys());
			})
			.onErrorResume(error -> {
				reportUndelivered(error);
				return Mono.empty();
			});
	}

	@Override
	public void stop() {
		Disposable running = heartbeats;
		heartbeats = null;
		if (running == null) {
			return;
		}
		running.dispose();
		Outgoing departure = Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_DEPARTED,
				new AgentDeparted(identity.agentId(), clock.instant()));
		try {
			// published off the stopping thread: opening a channel on a broken connection can block without
			// a timeout, and shutdown must not wait on it longer than DEPARTURE_WAIT
			CompletableFuture<Void> published = new CompletableFuture<>();
			Thread.ofVirtual().name("agent-departure").start(() -> {
				try {
					publisher.publish(departure).whenComplete((ignored, error) -> {
						if (error == null) {
							published.complete(null);
						}
						else {
							published.completeExceptionally(error);
						}
					});
				}
				catch (RuntimeException ex) {
					published.completeExceptionally(ex);
				}
			});
			published.get(DEPARTURE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			log.info("announced departure of {}", identity.agentId());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			log.warn("could not announce departure of {}; the registry expires it after {}: {}", identity.agentId(),
					properties.heartbeatTtl(), ex.toString());
		}
	}

	@Override
	public boolean isRunning() {
		return heartbeats != null;
	}

	/** Starts after the task consumers (so the first beat means "ready"), stops before them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 50;
	}

	AgentHeartbeat heartbeat() {
		return new AgentHeartbeat(identity.agentId(), identity.instance(), agentTypes, properties.capacity(),
				inFlight.count(), identity.version(), properties.heartbeatTtl(), clock.instant(), keys.announced());
	}

	private void reportUndelivered(Throwable error) {
		if (!undeliveredReported) {
			undeliveredReported = true;
			log.warn("heartbeat of {} not delivered (is the registry running?): {}", identity.agentId(),
					error.getMessage());
		}
		else {
			log.debug("heartbeat of {} not delivered: {}", identity.agentId(), error.getMessage());
		}
	}
}
