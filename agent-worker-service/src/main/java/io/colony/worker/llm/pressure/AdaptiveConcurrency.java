package io.colony.worker.llm.pressure;

import io.colony.contracts.Priority;
import io.colony.worker.priority.PriorityQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.ArrayList;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls this worker keeps open at once per provider, learnt from the provider's answers (AIMD):
 * after {@code limit} successful calls made while the limit was at least half used, the limit grows by one;
 * a 429, 5xx or timeout halves it (once per round: calls that started before the last cut do not cut again),
 * never below {@code min} nor above {@code max}. A {@code Retry-After} pauses new calls to that provider until
 * it has passed; calls already running go on. Waiting calls are queued objects, holding no thread, and start
 * by their task's priority ({@link #withPriority} in the caller's Reactor context; normal when absent): high
 * first, then normal, then low, in arrival order within a priority, so that a saturated provider serves high
 * work first. A waiting call that is cancelled leaves the queue, a running one frees its permit however it ends.
 */
public final class AdaptiveConcurrency {

	private final ProviderLimitsProperties limits;

	private final MeterRegistry meters;

	private final Scheduler timer;

	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

	/** @param meters where the limit, active and waiting gauges go; {@code null} for none */
	public AdaptiveConcurrency(ProviderLimitsProperties limits, MeterRegistry meters) {
		this(limits, meters, Schedulers.parallel());
	}

	/** @param timer clock and timer of Retry-After pauses; a virtual-time scheduler in tests */
	AdaptiveConcurrency(ProviderLimitsProperties limits, MeterRegistry meters, Scheduler timer) {
		this.limits = limits;
		this.meters = meters;
		this.timer = timer;
	}

	/**
	 * Runs {@code call} once a permit of {@code provider} is free, and learns from how it ends (see
	 * {@link Outcome}). The call is subscribed to only then, so whatever it does first (e.g. waiting for a rate
	 * limit) happens while holding the permit.
	 */
	public <T> Mono<T> run(String provider, Mono<T> call) {
		Lane lane = lane(provider);
		return Mono.deferContextual(context -> {
			Ticket ticket = new Ticket(context.getOrDefault(Priority.class, Priority.NORMAL));
			lane.enqueue(ticket);
			// Learnt before the outcome travels on, so that the next call already sees the new limit.
			return ticket.turn.asMono()
				.then(call)
				.doOnSuccess(value -> lane.finish(ticket, Outcome.SUCCEEDED))
				.doOnError(error -> lane.finish(ticket, Outcome.of(error)))
				.doOnCancel(() -> lane.finish(ticket, Outcome.CANCELLED));
		});
	}

	/**
	 * What a task's chain writes into its Reactor context ({@code contextWrite}) so that its calls wait for permits
	 * by {@code priority}; {@code null} counts as normal.
	 */
	public static Context withPriority(Priority priority) {
		return Context.of(Priority.class, priority == null ? Priority.NORMAL : priority);
	}

	/** The current limit of {@code provider}. */
	public int limit(String provider) {
		return lane(provider).limit();
	}

	/** Calls of {@code provider} holding a permit now. */
	public int active(String provider) {
		return lane(provider).active();
	}

	/** Calls of {@code provider} waiting for a permit now. */
	public int waiting(String provider) {
		return lane(provider).waiting();
	}

	private Lane lane(String provider) {
		return lanes.computeIfAbsent(provider, this::newLane);
	}

	private Lane newLane(String provider) {
		Lane lane = new Lane(limits.provider(provider).concurrency());
		if (meters != null) {
			Gauge.builder("colony.llm.concurrency.limit", lane, Lane::limit)
				.description("Calls to the LLM provider this worker allows open at once (adaptive)")
				.tag("provider", provider)
				.register(meters);
			Gauge.builder("colony.llm.concurrency.active", lane, Lane::active)
				.description("Calls to the LLM provider open now")
				.tag("provider", provider)
				.register(meters);
			Gauge.builder("colony.llm.concurrency.waiting", lane, Lane::waiting)
				.description("Calls waiting for a permit to call the LLM provider")
				.tag("provider", provider)
				.register(meters);
		}
		return lane;
	}

	private static final class Ticket {

		static final int WAITING = 0;

		static final int RUNNING = 1;

		static final int DONE = 2;

		final AtomicInteger state = new AtomicInteger(WAITING);

		final Sinks.Empty<Void> turn = Sinks.empty();

		final Priority priority;

		/** The round (count of cuts) the call started in. */
		long round;

		/** Whether the call started while at least half the limit was in use. */
		boolean limitInUse;

		Ticket(Priority priority) {
			this.priority = priority;
		}
	}

	/** One provider's limit and queue; every field is guarded by the lane's monitor. */
	private final class Lane {

		static final int DECREASE_DIVISOR = 2;

		final int min;

		final int max;

		final PriorityQueues<Ticket> waiting = new PriorityQueues<>();

		int limit;

		int active;

		int successes;

		long round;

		long pausedUntil;

		long wakeAt;

		Lane(ProviderLimitsProperties.Concurrency settings) {
			this.min = settings.min();
			this.max = settings.max();
			this.limit = settings.initial();
		}

		synchronized int limit() {
			return limit;
		}

		synchronized int active() {
			return active;
		}

		synchronized int waiting() {
			return waiting.size();
		}

		void enqueue(Ticket ticket) {
			synchronized (this) {
				waiting.add(ticket.priority, ticket);
			}
			drain();
		}

		void finish(Ticket ticket, Outcome outcome) {
			if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.DONE)) {
				synchronized (this) {
					waiting.remove(ticket.priority, ticket);
				}
				return;
			}
			if (ticket.state.compareAndSet(Ticket.RUNNING, Ticket.DONE)) {
				synchronized (this) {
					active--;
					learn(ticket, outcome);
				}
				drain();
			}
		}

		private void learn(Ticket ticket, Outcome outcome) {
			if (outcome.kind() == Outcome.Kind.SUCCEEDED) {
				if (ticket.limitInUse && limit < max && ++successes >= limit) {
					limit++;
					successes = 0;
				}
			}
			else if (outcome.overload() && ticket.round == round) {
				limit = Math.max(min, limit / DECREASE_DIVISOR);
				successes = 0;
				round++;
			}
			if (outcome.retryAfter() != null) {
				pausedUntil = Math.max(pausedUntil, now() + outcome.retryAfter().toMillis());
			}
		}

		/** Grants free permits under the monitor, but lets the granted calls start outside it. */
		void drain() {
			List<Ticket> granted = new ArrayList<>();
			synchronized (this) {
				long now = now();
				if (now < pausedUntil) {
					wakeAtPauseEnd(now);
				}
				else {
					Ticket ticket;
					while (active < limit && (ticket = waiting.poll()) != null) {
						if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.RUNNING)) {
							active++;
							ticket.round = round;
							ticket.limitInUse = active * 2 >= limit;
							granted.add(ticket);
						}
					}
				}
			}
			granted.forEach(ticket -> ticket.turn.tryEmitEmpty());
		}

		/**
		 * Drains again when the pause ends. A longer pause gets its own timer; the earlier one then fires into a
		 * drain that finds the lane still paused, which is harmless.
		 */
		private void wakeAtPauseEnd(long now) {
			if (wakeAt >= pausedUntil || waiting() == 0) {
				return;
			}
			wakeAt = pausedUntil;
			timer.schedule(() -> {
				synchronized (this) {
					wakeAt = 0;
				}
				drain();
			}, pausedUntil - now, TimeUnit.MILLISECONDS);
		}

		private long now() {
			return timer.now(TimeUnit.MILLISECONDS);
		}
	}

	/** For tests: how much of {@code provider}'s Retry-After pause is left, or {@code null} when it is not paused. */
	Duration pausedFor(String provider) {
		Lane lane = lane(provider);
		synchronized (lane) {
			long left = lane.pausedUntil - lane.now();
			return left > 0 ? Duration.ofMillis(left) : null;
		}
	}
}
