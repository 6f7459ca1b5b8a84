package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether a tenant may make one more request under a budget, counting the requests of every gateway
 * instance together in Redis ({@link RedisSlidingLogs}).
 * <p>
 * When Redis does not answer within {@code redis-timeout}, this instance decides alone, on the same rule over its
 * own requests ({@link LocalSlidingLogs}): the gateway fails open to per-instance limits. Rate limits protect
 * capacity, not correctness (job budgets and the concurrent-job quota are the orchestrator's, in PostgreSQL), so a
 * Redis outage must not become an API outage (failing closed) nor a 5xx; failing open entirely would let one tenant
 * flood the mesh for as long as the outage lasts, while per-instance limits still hold it to instances × its limit.
 * The outage shows as {@code colony.gateway.rate.limit.degraded} = 1 and one warning in the log; after a failure
 * Redis is asked again after {@value #STORE_RETRY_MILLIS} ms, not on every request, so that a Redis that hangs adds
 * its timeout to one request a second, not to all.
 */
public final class TenantRateLimiter {

	private static final Logger log = LoggerFactory.getLogger(TenantRateLimiter.class);

	static final long STORE_RETRY_MILLIS = 1_000;

	public static final String REFUSALS = "colony.gateway.rate.limited";

	public static final String DEGRADED = "colony.gateway.rate.limit.degraded";

	private final RateLimitProperties properties;

	private final SlidingLogs shared;

	private final LocalSlidingLogs local;

	private final MeterRegistry meters;

	private final Clock clock;

	/** Until when (clock millis) Redis is taken as unreachable without asking it. */
	private final AtomicLong storeDownUntil = new AtomicLong(Long.MIN_VALUE);

	private final AtomicBoolean storeDown = new AtomicBoolean();

	public TenantRateLimiter(ReactiveStringRedisTemplate redis, RateLimitProperties properties, MeterRegistry meters,
			Clock clock) {
		this(opening(new RedisSlidingLogs(redis, RateLimitProperties.WINDOW), properties), properties, meters, clock);
	}

	TenantRateLimiter(SlidingLogs shared, RateLimitProperties properties, MeterRegistry meters, Clock clock) {
		this.properties = properties;
		this.shared = shared;
		this.local = new LocalSlidingLogs(RateLimitProperties.WINDOW);
		this.meters = meters;
		this.clock = clock;
		Gauge.builder(DEGRADED, storeDown, down -> down.get() ? 1 : 0)
			.description("1 while Redis does not answer and each gateway instance applies the rate limits alone")
			.register(meters);
	}

	/** Opens Redis' connection at once (in the background), so that it is ready before the first request. */
	private static SlidingLogs opening(RedisSlidingLogs logs, RateLimitProperties properties) {
		if (properties.enabled()) {
			logs.opened();
		}
		return logs;
	}

	/** Admits or refuses one request of {@code tenant} under {@code budget}; never fails. */
	Mono<Admission> admit(TenantId tenant, Budget budget) {
		int limit = properties.limit(tenant, budget);
		String key = properties.keyPrefix() + budget.key() + ":" + tenant.value();
		long now = micros(clock.instant());
		Mono<Admission> decided = storeKnownDown() ? local.tryAdmit(key, limit, now)
				: shared.tryAdmit(key, limit, now)
					.timeout(properties.redisTimeout(), Schedulers.parallel())
					.doOnSuccess(admission -> storeAnswered())
					.onErrorResume(error -> {
						storeFailed(error);
						return local.tryAdmit(key, limit, now);
					});
		return decided.doOnNext(admission -> {
			if (admission instanceof Admission.Refused) {
				countRefusal(meters, tenant, budget.key());
			}
		});
	}

	/** Counts a 429 in {@value #REFUSALS}; {@code budget} says which limit refused it. */
	public static void countRefusal(MeterRegistry meters, TenantId tenant, String budget) {
		Counter.builder(REFUSALS)
			.description("Requests answered 429 because the tenant was over a rate limit or its concurrent-job quota")
			.tag("tenant", tenant.value())
			.tag("budget", budget)
			.register(meters)
			.increment();
	}

	/** Whether this instance currently decides alone (Redis did not answer). */
	boolean degraded() {
		return storeDown.get();
	}

	private boolean storeKnownDown() {
		return clock.millis() < storeDownUntil.get();
	}

	private void storeAnswered() {
		if (storeDown.compareAndSet(true, false)) {
			log.info("Redis answers again: tenant rate limits are counted fleet-wide");
		}
	}

	private void storeFailed(Throwable error) {
		storeDownUntil.set(clock.millis() + STORE_RETRY_MILLIS);
		if (storeDown.compareAndSet(false, true)) {
			log.warn("Redis did not answer for the tenant rate limits ({}: {}); this gateway instance applies them "
					+ "alone until it does", error.getClass().getSimpleName(), error.getMessage());
		}
	}

	private static long micros(Instant instant) {
		return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
	}
}
