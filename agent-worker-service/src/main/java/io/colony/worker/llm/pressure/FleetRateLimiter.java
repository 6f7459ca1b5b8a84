package io.colony.worker.llm.pressure;

import io.colony.worker.llm.pressure.ProviderLimitsProperties.Quota;
import io.colony.worker.llm.pressure.ProviderLimitsProperties.RedisUnavailable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests-per-minute and tokens-per-minute limits per provider, shared by every worker through Redis (see
 * {@link RateLimitScripts} for the sliding log). A call {@linkplain #acquire acquires} a grant before it is sent
 * and {@linkplain #settle settles} it with the tokens it really used.
 * <p>
 * Waiting costs no thread and little Redis traffic: per provider, the calls of this worker queue here in
 * arrival order and only the head of the queue asks Redis, for up to {@value #BATCH} calls at once; when Redis
 * says the window is full it also says when the next slot frees, and the queue asks again then, on a timer. So
 * Redis sees a few requests per worker per slot, however many calls wait.
 * <p>
 * A provider with neither limit never touches Redis. When Redis does not answer within {@code redis-timeout},
 * calls go on unlimited or wait, per {@code redis-unavailable}; Redis is asked again every
 * {@value #STORE_RETRY_MILLIS} ms, and the outage and the recovery are logged once each.
 */
public final class FleetRateLimiter {

	private static final Logger log = LoggerFactory.getLogger(FleetRateLimiter.class);

	/** Calls of one worker decided by one script run. */
	static final int BATCH = 32;

	static final long STORE_RETRY_MILLIS = 1_000;

	/** Keys outlive the window by this much, so that an idle provider leaves nothing behind. */
	private static final long EXPIRY_MARGIN_MILLIS = 1_000;

	private final ReactiveStringRedisTemplate redis;

	private final ProviderLimitsProperties limits;

	private final MeterRegistry meters;

	private final Scheduler timer;

	private final long windowMicros;

	private final String instance = UUID.randomUUID().toString().substring(0, 8);

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

	/** Until when (ms, by {@link #timer}) Redis is taken as unreachable without asking it. */
	private final AtomicLong storeDownUntil = new AtomicLong();

	private final AtomicBoolean storeDown = new AtomicBoolean();

	/** @param meters where the waits counter goes; {@code null} for none */
	public FleetRateLimiter(ReactiveStringRedisTemplate redis, ProviderLimitsProperties limits, MeterRegistry meters) {
		this(redis, limits, meters, Schedulers.parallel());
	}

	/** @param timer timer of waits, and the thread grants are handed out on */
	FleetRateLimiter(ReactiveStringRedisTemplate redis, ProviderLimitsProperties limits, MeterRegistry meters,
			Scheduler timer) {
		this.redis = redis;
		this.limits = limits;
		this.meters = meters;
		this.timer = timer;
		this.windowMicros = limits.window().toNanos() / 1_000;
	}

	/**
	 * Completes when {@code provider}'s limits allow one more call of {@code estimatedTokens}, fleet-wide; waits
	 * (on a timer, holding no thread) until then. An estimate above the per-window token limit is charged as the
	 * whole limit, so that such a call waits for an empty window instead of never running. Cancelling gives the
	 * place in the queue up.
	 */
	public Mono<RateGrant> acquire(String provider, long estimatedTokens) {
		if (estimatedTokens < 0) {
			return Mono.error(new IllegalArgumentException("estimatedTokens must not be negative, was " + estimatedTokens));
		}
		Lane lane = lane(provider);
		if (!lane.quota.limited()) {
			return Mono.fromSupplier(() -> new RateGrant(provider, null, estimatedTokens, localNow()));
		}
		return Mono.defer(() -> {
			long tokens = lane.quota.tokens() == Quota.UNLIMITED ? estimatedTokens
					: Math.min(estimatedTokens, lane.quota.tokens());
			Waiter waiter = new Waiter(instance + ":" + sequence.incrementAndGet(), tokens);
			lane.enqueue(waiter);
			return waiter.grant.asMono().doOnCancel(() -> lane.cancel(waiter));
		});
	}

	/**
	 * After the call's answer: counts its request from now (see {@link RateLimitScripts#SETTLE}) and replaces the
	 * estimate of {@code grant} with the tokens its call used. Never fails: a correction that does not reach Redis
	 * is dropped (the grant time and the estimate stay).
	 */
	public Mono<Void> settle(RateGrant grant, long actualTokens) {
		Lane lane = lane(grant.provider());
		boolean restamp = lane.quota.requests() != Quota.UNLIMITED;
		boolean correct = lane.quota.tokens() != Quota.UNLIMITED && actualTokens != grant.estimatedTokens();
		if (!grant.recorded() || (!restamp && !correct)) {
			return Mono.empty();
		}
		return store(redis.execute(RateLimitScripts.SETTLE, lane.keys,
				List.of(Long.toString(windowMicros), grant.id(), Long.toString(grant.estimatedTokens()),
						Long.toString(correct ? Math.max(0, actualTokens) : -1), Long.toString(expiryMillis())))
			.then())
			.doOnSuccess(done -> {
				if (correct && actualTokens < grant.estimatedTokens()) {
					lane.wake();
				}
			})
			.onErrorResume(error -> Mono.empty());
	}

	/**
	 * Takes back {@code grant} because its call was never sent, freeing its request and tokens for others.
	 * Never fails: a release that does not reach Redis is dropped (the grant expires with its window).
	 */
	public Mono<Void> release(RateGrant grant) {
		if (!grant.recorded()) {
			return Mono.empty();
		}
		Lane lane = lane(grant.provider());
		return store(redis.execute(RateLimitScripts.RELEASE, lane.keys, List.of(grant.id())).then())
			.doOnSuccess(done -> lane.wake())
			.onErrorResume(error -> Mono.empty());
	}

	/**
	 * Stops granting calls of {@code provider} fleet-wide for {@code retryAfter} (a provider's
	 * {@code Retry-After}); a longer pause already running is kept. Returns when the pause ends, by Redis'
	 * clock; empty when the provider has no rate limit (nothing is shared then) or Redis is unreachable.
	 */
	public Mono<Instant> pause(String provider, Duration retryAfter) {
		Lane lane = lane(provider);
		if (!lane.quota.limited() || retryAfter.isNegative() || retryAfter.isZero()) {
			return Mono.empty();
		}
		long micros = retryAfter.toNanos() / 1_000;
		return store(redis.execute(RateLimitScripts.PAUSE, lane.keys,
				List.of(Long.toString(micros), Long.toString(retryAfter.toMillis() + EXPIRY_MARGIN_MILLIS)))
			.next())
			.map(FleetRateLimiter::instant)
			.onErrorResume(error -> Mono.empty());
	}

	/** Calls of {@code provider} waiting here for a grant now. */
	public int waiting(String provider) {
		return lane(provider).waiting();
	}

	private Lane lane(String provider) {
		return lanes.computeIfAbsent(provider, name -> new Lane(name, limits.quota(name)));
	}

	/** One round trip to Redis, bounded by {@code redis-timeout}; notes an outage or a recovery. */
	private <T> Mono<T> store(Mono<T> call) {
		return call.timeout(limits.redisTimeout(), timer)
			.doOnSuccess(value -> storeAnswered())
			.doOnError(this::storeFailed);
	}

	private void storeAnswered() {
		if (storeDown.compareAndSet(true, false)) {
			log.info("Redis answers again: fleet-wide LLM rate limits apply");
		}
	}

	private void storeFailed(Throwable error) {
		storeDownUntil.set(timer.now(TimeUnit.MILLISECONDS) + STORE_RETRY_MILLIS);
		if (storeDown.compareAndSet(false, true)) {
			log.warn("Redis unreachable for fleet-wide LLM rate limits ({}); {} until it answers",
					error.getClass().getSimpleName(), limits.redisUnavailable() == RedisUnavailable.ALLOW
							? "calls go on without them" : "calls wait");
		}
	}

	private boolean storeKnownDown() {
		return timer.now(TimeUnit.MILLISECONDS) < storeDownUntil.get();
	}

	private long expiryMillis() {
		return limits.window().toMillis() + EXPIRY_MARGIN_MILLIS;
	}

	private Instant localNow() {
		return Instant.ofEpochMilli(timer.now(TimeUnit.MILLISECONDS));
	}

	private static Instant instant(long micros) {
		return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
	}

	/**
	 * What {@link RateLimitScripts#ACQUIRE} answered: how many of the batch it granted, how long until the first
	 * refused one could fit, and Redis' clock. The client hands a script's array back either as one list or
	 * element by element; both are read here.
	 */
	record Decision(int granted, long waitMicros, Instant now) {

		static Decision of(List<?> reply) {
			List<?> values = reply.size() == 1 && reply.get(0) instanceof List<?> inner ? inner : reply;
			if (values.size() != 3) {
				throw new IllegalStateException("rate limit script answered " + values.size() + " values, not 3");
			}
			return new Decision(((Number) values.get(0)).intValue(), ((Number) values.get(1)).longValue(),
					instant(((Number) values.get(2)).longValue()));
		}
	}

	private static final class Waiter {

		static final int WAITING = 0;

		static final int GRANTED = 1;

		static final int CANCELLED = 2;

		final String id;

		final long tokens;

		final AtomicInteger state = new AtomicInteger(WAITING);

		final Sinks.One<RateGrant> grant = Sinks.one();

		/** Whether this call was already counted in {@code colony.llm.ratelimit.waits}. */
		boolean counted;

		Waiter(String id, long tokens) {
			this.id = id;
			this.tokens = tokens;
		}
	}

	/**
	 * One provider's queue of waiting calls. {@code busy} is true while a script run or a timer is pending;
	 * meanwhile nobody else asks Redis. A pending timer is identified by {@code sleep}, so that one made stale
	 * by {@link #wake} is ignored when it fires. Fields are guarded by the lane's monitor.
	 */
	private final class Lane {

		final String provider;

		final Quota quota;

		final List<String> keys;

		final LinkedHashSet<Waiter> waiting = new LinkedHashSet<>();

		final Counter waits;

		boolean busy;

		/** The pending timer's number; 0 when none is pending. */
		long sleep;

		long sleeps;

		Lane(String provider, Quota quota) {
			this.provider = provider;
			this.quota = quota;
			this.keys = RateLimitScripts.keys(provider);
			this.waits = meters == null ? null
					: Counter.builder("colony.llm.ratelimit.waits")
						.description("Calls that had to wait for the fleet-wide LLM rate limit")
						.tag("provider", provider)
						.register(meters);
		}

		synchronized int waiting() {
			return waiting.size();
		}

		void enqueue(Waiter waiter) {
			synchronized (this) {
				waiting.add(waiter);
			}
			pump();
		}

		void cancel(Waiter waiter) {
			if (waiter.state.compareAndSet(Waiter.WAITING, Waiter.CANCELLED)) {
				synchronized (this) {
					waiting.remove(waiter);
				}
			}
		}

		/** Asks for the head of the queue unless a script run or a timer is already pending. */
		void pump() {
			List<Waiter> batch = new ArrayList<>(BATCH);
			synchronized (this) {
				if (busy || waiting.isEmpty()) {
					return;
				}
				busy = true;
				Iterator<Waiter> next = waiting.iterator();
				while (batch.size() < BATCH && next.hasNext()) {
					batch.add(next.next());
				}
			}
			if (storeKnownDown()) {
				storeUnavailable(batch);
				return;
			}
			List<String> args = new ArrayList<>(4 + 2 * batch.size());
			args.add(Long.toString(windowMicros));
			args.add(Long.toString(quota.requests()));
			args.add(Long.toString(quota.tokens()));
			args.add(Long.toString(expiryMillis()));
			for (Waiter waiter : batch) {
				args.add(waiter.id);
				args.add(Long.toString(waiter.tokens));
			}
			store(redis.execute(RateLimitScripts.ACQUIRE, keys, args).collectList().map(Decision::of))
				.subscribe(decision -> decided(batch, decision), error -> storeUnavailable(batch));
		}

		private void decided(List<Waiter> batch, Decision decision) {
			int granted = Math.min(decision.granted(), batch.size());
			long waitMicros = decision.waitMicros();
			Instant grantedAt = decision.now();
			List<Waiter> done = batch.subList(0, granted);
			synchronized (this) {
				done.forEach(waiting::remove);
			}
			if (!done.isEmpty()) {
				timer.schedule(() -> done.forEach(waiter -> hand(waiter,
						new RateGrant(provider, waiter.id, waiter.tokens, grantedAt))));
			}
			if (granted < batch.size()) {
				Waiter head = batch.get(granted);
				if (!head.counted && waits != null) {
					head.counted = true;
					waits.increment();
				}
				sleep(Math.max(1_000, waitMicros), TimeUnit.MICROSECONDS);
			}
			else {
				resume();
			}
		}

		private void storeUnavailable(List<Waiter> batch) {
			if (limits.redisUnavailable() == RedisUnavailable.WAIT) {
				long left = storeDownUntil.get() - timer.now(TimeUnit.MILLISECONDS);
				sleep(Math.max(1, left), TimeUnit.MILLISECONDS);
				return;
			}
			synchronized (this) {
				batch.forEach(waiting::remove);
			}
			Instant now = localNow();
			timer.schedule(() -> {
				batch.forEach(waiter -> hand(waiter, new RateGrant(provider, null, waiter.tokens, now)));
				resume();
			});
		}

		/** Gives {@code grant} to its caller, or takes it back when the caller has gone meanwhile. */
		private void hand(Waiter waiter, RateGrant grant) {
			if (waiter.state.compareAndSet(Waiter.WAITING, Waiter.GRANTED)) {
				waiter.grant.tryEmitValue(grant);
			}
			else {
				release(grant).subscribe();
			}
		}

		private void resume() {
			synchronized (this) {
				busy = false;
			}
			pump();
		}

		private void sleep(long delay, TimeUnit unit) {
			long number;
			synchronized (this) {
				number = ++sleeps;
				sleep = number;
			}
			timer.schedule(() -> {
				synchronized (this) {
					if (sleep != number) {
						return;
					}
					sleep = 0;
				}
				resume();
			}, delay, unit);
		}

		/**
		 * Asks Redis now instead of when the pending timer fires: this worker has just given room back (a
		 * released grant, a charge settled lower than estimated) that the timer did not count on. Room given
		 * back by other workers is noticed when the timer fires.
		 */
		void wake() {
			synchronized (this) {
				if (sleep == 0) {
					return;
				}
				sleep = 0;
			}
			resume();
		}
	}
}
