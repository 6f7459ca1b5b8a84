package io.colony.worker.llm.pressure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Stops calling a provider that looks down, per provider and per worker.
 * <ul>
 * <li>{@link State#CLOSED}: calls go through; {@code failure-threshold} consecutive outage-like failures (5xx,
 * timeouts, unreachable; see {@link Outcome#outage()}) open it. A 429 or another 4xx neither counts as a failure
 * nor resets the count: the provider answered, it is not down.</li>
 * <li>{@link State#OPEN}: calls fail at once with {@link ProviderUnavailable}; after {@code open-for} a timer
 * moves it to half-open, so a listener learns of it even when no call comes.</li>
 * <li>{@link State#HALF_OPEN}: the first call is the probe; later calls wait for its outcome (without a
 * thread). A successful probe closes the breaker and the waiting calls go on; a failed one opens it again and
 * they fail fast; a probe that says nothing (429, 4xx, cancelled) lets the next call probe.</li>
 * </ul>
 * Outcomes of calls admitted before the last state change are ignored: they describe the provider as it was.
 */
public final class CircuitBreaker {

	private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

	/** The {@code colony.llm.circuit.state} gauge reports the ordinal: 0 closed, 1 half-open, 2 open. */
	public enum State {
		CLOSED, HALF_OPEN, OPEN
	}

	/**
	 * One change of a provider's breaker.
	 *
	 * @param openUntil when an open breaker lets a probe through; {@code null} unless {@code to} is open
	 */
	public record Transition(String provider, State from, State to, Instant openUntil) {
	}

	private final ProviderLimitsProperties limits;

	private final MeterRegistry meters;

	private final Scheduler timer;

	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

	private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();

	private final Queue<Transition> transitions = new ConcurrentLinkedQueue<>();

	private final AtomicInteger notifying = new AtomicInteger();

	/** @param meters where the state gauge goes; {@code null} for none */
	public CircuitBreaker(ProviderLimitsProperties limits, MeterRegistry meters) {
		this(limits, meters, Schedulers.parallel());
	}

	/** @param timer clock and timer of open periods; a virtual-time scheduler in tests */
	CircuitBreaker(ProviderLimitsProperties limits, MeterRegistry meters, Scheduler timer) {
		this.limits = limits;
		this.meters = meters;
		this.timer = timer;
	}

	/**
	 * Tells {@code listener} of every state change, one at a time and in order, on the thread that caused it (a
	 * call's or the timer's). It must not block; one that throws is logged and does not stop the others.
	 */
	public void addListener(Consumer<Transition> listener) {
		listeners.add(listener);
	}

	public State state(String provider) {
		Lane lane = lane(provider);
		synchronized (lane) {
			return lane.state;
		}
	}

	/**
	 * Subscribes to {@code call} if the breaker admits it, and learns from how it ends. Fails with
	 * {@link ProviderUnavailable} without subscribing to {@code call} when the breaker is open.
	 */
	public <T> Mono<T> run(String provider, Mono<T> call) {
		Lane lane = lane(provider);
		return Mono.defer(() -> {
			Attempt attempt = new Attempt();
			// Learnt before the outcome travels on, so that a call queued behind this one sees the new state.
			return lane.admit(attempt)
				.then(call)
				.doOnSuccess(value -> lane.finish(attempt, Outcome.SUCCEEDED))
				.doOnError(error -> lane.finish(attempt, Outcome.of(error)))
				.doOnCancel(() -> lane.finish(attempt, Outcome.CANCELLED));
		});
	}

	/**
	 * Fails with {@link ProviderUnavailable} if the breaker is open now, else completes; holds nothing and waits
	 * for nothing. For a cheap early check before a call queues for other limits.
	 */
	Mono<Void> rejectIfOpen(String provider) {
		Lane lane = lane(provider);
		return Mono.defer(() -> {
			synchronized (lane) {
				return lane.state == State.OPEN ? Mono.error(lane.unavailable()) : Mono.empty();
			}
		});
	}

	private Lane lane(String provider) {
		return lanes.computeIfAbsent(provider, this::newLane);
	}

	private Lane newLane(String provider) {
		Lane lane = new Lane(provider, limits.provider(provider).breaker());
		if (meters != null) {
			Gauge.builder("colony.llm.circuit.state", lane, l -> l.stateNow().ordinal())
				.description("Breaker of the LLM provider: 0 closed, 1 half-open, 2 open")
				.tag("provider", provider)
				.register(meters);
		}
		return lane;
	}

	/** Delivers queued transitions in order, by one thread at a time, never under a lane's monitor. */
	private void notifyListeners() {
		if (notifying.getAndIncrement() != 0) {
			return;
		}
		do {
			Transition transition;
			while ((transition = transitions.poll()) != null) {
				for (Consumer<Transition> listener : listeners) {
					try {
						listener.accept(transition);
					}
					catch (RuntimeException ex) {
						log.warn("A circuit breaker listener failed on {}", transition, ex);
					}
				}
			}
		}
		while (notifying.decrementAndGet() != 0);
	}

	private static final class Attempt {

		/** Set once admitted, with the lane's generation then and whether this call is the half-open probe. */
		volatile boolean admitted;

		long generation;

		boolean probe;

		final AtomicBoolean finished = new AtomicBoolean();
	}

	/** One provider's breaker; every field is guarded by the lane's monitor. */
	private final class Lane {

		final String provider;

		final int failureThreshold;

		final long openForMillis;

		State state = State.CLOSED;

		/** Bumped on every state change, so that outcomes from before it are ignored. */
		long generation;

		int failures;

		long openUntil;

		boolean probing;

		/** Completes when the current probe has ended; calls waiting in half-open then look again. */
		Sinks.Empty<Void> probeEnded = Sinks.empty();

		Lane(String provider, ProviderLimitsProperties.Breaker settings) {
			this.provider = provider;
			this.failureThreshold = settings.failureThreshold();
			this.openForMillis = settings.openFor().toMillis();
		}

		synchronized State stateNow() {
			return state;
		}

		Mono<Void> admit(Attempt attempt) {
			return Mono.defer(() -> {
				synchronized (this) {
					switch (state) {
						case CLOSED -> {
							attempt.admitted = true;
							attempt.generation = generation;
							return Mono.empty();
						}
						case OPEN -> {
							return Mono.error(unavailable());
						}
						default -> {
							if (!probing) {
								probing = true;
								attempt.admitted = true;
								attempt.probe = true;
								attempt.generation = generation;
								return Mono.empty();
							}
							return probeEnded.asMono().then(admit(attempt));
						}
					}
				}
			});
		}

		void finish(Attempt attempt, Outcome outcome) {
			if (!attempt.admitted || !attempt.finished.compareAndSet(false, true)) {
				return;
			}
			Sinks.Empty<Void> ended = null;
			synchronized (this) {
				if (attempt.generation != generation) {
					return;
				}
				if (state == State.CLOSED) {
					if (outcome.kind() == Outcome.Kind.SUCCEEDED) {
						failures = 0;
					}
					else if (outcome.outage() && ++failures >= failureThreshold) {
						ended = open();
					}
				}
				else if (state == State.HALF_OPEN && attempt.probe) {
					if (outcome.kind() == Outcome.Kind.SUCCEEDED) {
						ended = change(State.CLOSED);
					}
					else if (outcome.outage()) {
						ended = open();
					}
					else {
						probing = false;
						ended = renewProbeEnded();
					}
				}
			}
			if (ended != null) {
				ended.tryEmitEmpty();
			}
			notifyListeners();
		}

		/** Under the monitor. Returns the sink to complete once outside it. */
		private Sinks.Empty<Void> open() {
			openUntil = timer.now(TimeUnit.MILLISECONDS) + openForMillis;
			Sinks.Empty<Void> ended = change(State.OPEN);
			long openedIn = generation;
			timer.schedule(() -> halfOpen(openedIn), openForMillis, TimeUnit.MILLISECONDS);
			return ended;
		}

		private void halfOpen(long openedIn) {
			Sinks.Empty<Void> ended;
			synchronized (this) {
				if (state != State.OPEN || generation != openedIn) {
					return;
				}
				ended = change(State.HALF_OPEN);
			}
			ended.tryEmitEmpty();
			notifyListeners();
		}

		/** Under the monitor; queues the transition, to be delivered once outside it. */
		private Sinks.Empty<Void> change(State to) {
			State from = state;
			state = to;
			generation++;
			failures = 0;
			probing = false;
			transitions.add(new Transition(provider, from, to, to == State.OPEN ? Instant.ofEpochMilli(openUntil) : null));
			if (to == State.OPEN) {
				log.warn("Circuit open for LLM provider {} until {}", provider, Instant.ofEpochMilli(openUntil));
			}
			else {
				log.info("Circuit {} for LLM provider {}", to == State.CLOSED ? "closed" : "half-open", provider);
			}
			return renewProbeEnded();
		}

		private Sinks.Empty<Void> renewProbeEnded() {
			Sinks.Empty<Void> ended = probeEnded;
			probeEnded = Sinks.empty();
			return ended;
		}

		ProviderUnavailable unavailable() {
			return new ProviderUnavailable(provider, Instant.ofEpochMilli(openUntil));
		}
	}
}
