package io.colony.gateway.ratelimit;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sliding logs in Redis, shared by every gateway instance: one sorted set per key, a member per admitted
 * request scored by its time. One script run per request decides and logs atomically, so instances racing for the
 * last slot cannot both get it.
 * <p>
 * Times are the deciding instance's clock, not Redis' ({@code TIME}): the gateway's tests move a clock, and
 * instances kept in step by NTP differ by milliseconds, which against a one-minute window makes a limit stricter or
 * looser by no more than that skew.
 * <p>
 * The client's one shared connection is opened synchronously by Spring Data on first use, which must not happen on a
 * request's event-loop thread: it is opened here on a bounded-elastic thread, one attempt at a time, and requests wait
 * for it without a thread (bounded by the limiter's timeout). Once open, Lettuce reconnects it by itself, and while it
 * is disconnected commands fail at once (see {@code RateLimitConfiguration}), so nothing blocks after that.
 */
final class RedisSlidingLogs implements SlidingLogs {

	/**
	 * KEYS[1]: the log. ARGV: now (µs), window (µs), limit, member, key expiry (ms). Returns 0 when admitted (and
	 * logged), else the µs until the oldest entry that has to leave does (always positive: entries at or before
	 * now - window are gone). Entries are ranked oldest first; for one more to fit, {@code count - limit + 1} of them
	 * must leave, the last of which has rank {@code count - limit}.
	 */
	static final RedisScript<Long> ADMIT = RedisScript.of("""
			local now = tonumber(ARGV[1])
			local window = tonumber(ARGV[2])
			local limit = tonumber(ARGV[3])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
			local count = redis.call('ZCARD', KEYS[1])
			if count < limit then
			  redis.call('ZADD', KEYS[1], now, ARGV[4])
			  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
			  return 0
			end
			local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
			return math.max(1, tonumber(oldest[2]) + window - now)
			""", Long.class);

	/** Keys outlive the window by this much, so that an idle tenant leaves nothing behind. */
	private static final long EXPIRY_MARGIN_MILLIS = 1_000;

	private final ReactiveStringRedisTemplate redis;

	private final ReactiveRedisConnectionFactory connections;

	/** The attempt to open the shared connection: pending, done, or {@code null} after a failure (try again). */
	private final AtomicReference<CompletableFuture<Void>> opened = new AtomicReference<>();

	private final long windowMicros;

	private final String expiryMillis;

	/** Members must be unique across instances: two requests logged in the same microsecond are two requests. */
	private final String instance = UUID.randomUUID().toString().substring(0, 13);

	private final AtomicLong sequence = new AtomicLong();

	RedisSlidingLogs(ReactiveStringRedisTemplate redis, Duration window) {
		this.redis = redis;
		this.connections = redis.getConnectionFactory();
		this.windowMicros = window.toNanos() / 1_000;
		this.expiryMillis = Long.toString(window.toMillis() + EXPIRY_MARGIN_MILLIS);
	}

	@Override
	public Mono<Admission> tryAdmit(String key, int limit, long nowMicros) {
		List<String> args = List.of(Long.toString(nowMicros), Long.toString(windowMicros), Integer.toString(limit),
				instance + ":" + sequence.incrementAndGet(), expiryMillis);
		return Mono.fromFuture(opened(), true)
			.thenMany(redis.execute(ADMIT, List.of(key), args))
			.next()
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("the rate limit script answered nothing")))
			.map(waitMicros -> waitMicros <= 0 ? new Admission.Admitted()
					: new Admission.Refused(Duration.ofNanos(waitMicros * 1_000)));
	}

	/** Starts opening the shared connection unless that is under way or done; a failed attempt is retried next call. */
	CompletableFuture<Void> opened() {
		while (true) {
			CompletableFuture<Void> current = opened.get();
			if (current != null) {
				return current;
			}
			CompletableFuture<Void> attempt = new CompletableFuture<>();
			if (opened.compareAndSet(null, attempt)) {
				Mono.fromRunnable(() -> connections.getReactiveConnection().close())
					.subscribeOn(Schedulers.boundedElastic())
					.subscribe(null, error -> {
						opened.compareAndSet(attempt, null);
						attempt.completeExceptionally(error);
					}, () -> attempt.complete(null));
				return attempt;
			}
		}
	}
}
