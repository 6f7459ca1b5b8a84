package io.colony.worker.llm.pressure;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How hard the worker may push each LLM provider. A provider not named under {@code providers} gets
 * {@link Provider#DEFAULTS}: no rate limits, adaptive concurrency 32 (1..256), breaker after 5 failures for 30s.
 * All workers of a fleet are expected to share the same rate limits, window and Redis.
 *
 * @param window the sliding window rate limits are enforced over; per-minute limits are scaled to it, so a
 * shorter window is stricter (smoother), never looser; at most one minute
 * @param redisTimeout the longest one rate-limit round trip to Redis may take before Redis counts as unreachable
 * @param redisUnavailable what calls do while Redis is unreachable: {@code allow} (default) goes on without
 * fleet-wide rate limits, {@code wait} holds them until Redis answers again
 * @param providers per provider name (as passed to {@link ProviderGuard#call}), its limits
 */
@ConfigurationProperties("colony.worker.llm.limits")
public record ProviderLimitsProperties(Duration window, Duration redisTimeout, RedisUnavailable redisUnavailable,
		Map<String, Provider> providers) {

	static final String PREFIX = "colony.worker.llm.limits";

	/** Provider names end up in Redis keys (inside a cluster hash tag) and metric tags. */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private static final long MINUTE_MILLIS = Duration.ofMinutes(1).toMillis();

	/**
	 * Failing open is the default because Redis only holds caches for the worker: a Redis outage should not stop
	 * every agent in the fleet. Providers still push back with 429s, which adaptive concurrency, Retry-After
	 * pauses and the breaker handle per worker without Redis.
	 */
	public enum RedisUnavailable {
		ALLOW, WAIT
	}

	public ProviderLimitsProperties {
		window = window == null ? Duration.ofMinutes(1) : window;
		redisTimeout = redisTimeout == null ? Duration.ofSeconds(1) : redisTimeout;
		redisUnavailable = redisUnavailable == null ? RedisUnavailable.ALLOW : redisUnavailable;
		if (window.toMillis() < 1 || window.compareTo(Duration.ofMinutes(1)) > 0) {
			throw new IllegalArgumentException(PREFIX + ".window must be between 1ms and 1m (limits are per minute; a "
					+ "longer window would let a minute take more than its limit), was " + window);
		}
		if (redisTimeout.isNegative() || redisTimeout.isZero()) {
			throw new IllegalArgumentException(PREFIX + ".redis-timeout must be positive, was " + redisTimeout);
		}
		Map<String, Provider> copy = new LinkedHashMap<>();
		if (providers != null) {
			for (Map.Entry<String, Provider> entry : providers.entrySet()) {
				Provider provider = entry.getValue() == null ? Provider.DEFAULTS : entry.getValue();
				validate(entry.getKey(), provider, window);
				copy.put(entry.getKey(), provider);
			}
		}
		providers = Map.copyOf(copy);
	}

	/** Every default: one-minute window, fail open, no provider named. */
	public static ProviderLimitsProperties defaults() {
		return new ProviderLimitsProperties(null, null, null, null);
	}

	/** The limits of {@code name}, or {@link Provider#DEFAULTS} when it is not configured. */
	public Provider provider(String name) {
		return providers.getOrDefault(name, Provider.DEFAULTS);
	}

	/** What {@code name} may take within one {@link #window}, from its per-minute limits, rounded down. */
	Quota quota(String name) {
		Provider provider = provider(name);
		return new Quota(perWindow(provider.requestsPerMinute(), window), perWindow(provider.tokensPerMinute(), window));
	}

	private static long perWindow(Long perMinute, Duration window) {
		return perMinute == null ? Quota.UNLIMITED : Math.multiplyExact(perMinute, window.toMillis()) / MINUTE_MILLIS;
	}

	private static void validate(String name, Provider provider, Duration window) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(PREFIX + ".providers has a provider named '" + name
					+ "'; names are letters, digits, '.', '_' and '-', starting with a letter or digit");
		}
		String path = PREFIX + ".providers." + name + ".";
		rate(path + "requests-per-minute", provider.requestsPerMinute(), window);
		rate(path + "tokens-per-minute", provider.tokensPerMinute(), window);
		Concurrency concurrency = provider.concurrency();
		if (concurrency.min() < 1) {
			throw new IllegalArgumentException(path + "concurrency.min must be at least 1, was " + concurrency.min());
		}
		if (concurrency.max() < concurrency.min()) {
			throw new IllegalArgumentException(path + "concurrency.max (" + concurrency.max()
					+ ") must not be below concurrency.min (" + concurrency.min() + ")");
		}
		if (concurrency.initial() < concurrency.min() || concurrency.initial() > concurrency.max()) {
			throw new IllegalArgumentException(path + "concurrency.initial (" + concurrency.initial()
					+ ") must be between concurrency.min (" + concurrency.min() + ") and concurrency.max ("
					+ concurrency.max() + ")");
		}
		Breaker breaker = provider.breaker();
		if (breaker.failureThreshold() < 1) {
			throw new IllegalArgumentException(
					path + "breaker.failure-threshold must be at least 1, was " + breaker.failureThreshold());
		}
		if (breaker.openFor().isNegative() || breaker.openFor().isZero()) {
			throw new IllegalArgumentException(path + "breaker.open-for must be positive, was " + breaker.openFor());
		}
	}

	private static void rate(String path, Long perMinute, Duration window) {
		if (perMinute == null) {
			return;
		}
		if (perMinute < 1) {
			throw new IllegalArgumentException(path + " must be at least 1 (leave it out for no limit), was " + perMinute);
		}
		if (perWindow(perMinute, window) < 1) {
			throw new IllegalArgumentException(path + " (" + perMinute + ") allows less than one per window of "
					+ window + "; raise it or lengthen " + PREFIX + ".window");
		}
	}

	/**
	 * @param requestsPerMinute requests the whole fleet may send per minute; {@code null} for no limit
	 * @param tokensPerMinute tokens (prompt + completion) the whole fleet may use per minute; {@code null} for no
	 * limit
	 * @param concurrency this worker's adaptive limit on calls open at once
	 * @param breaker when this worker stops calling the provider
	 */
	public record Provider(Long requestsPerMinute, Long tokensPerMinute, Concurrency concurrency, Breaker breaker) {

		public static final Provider DEFAULTS = new Provider(null, null, null, null);

		public Provider {
			concurrency = concurrency == null ? Concurrency.DEFAULTS : concurrency;
			breaker = breaker == null ? Breaker.DEFAULTS : breaker;
		}
	}

	/**
	 * @param initial the limit a worker starts with; by default 32, or {@code max} when lower
	 * @param min the limit never falls below this, however much the provider pushes back
	 * @param max the limit never grows above this
	 */
	public record Concurrency(Integer initial, Integer min, Integer max) {

		public static final Concurrency DEFAULTS = new Concurrency(null, null, null);

		public Concurrency {
			min = min == null ? 1 : min;
			max = max == null ? Math.max(256, min) : max;
			initial = initial == null ? Math.max(min, Math.min(32, max)) : initial;
		}
	}

	/**
	 * @param failureThreshold consecutive outage-like failures (5xx, timeouts, unreachable) that open the breaker;
	 * 429s and other 4xx do not count
	 * @param openFor how long an open breaker fails calls fast before it lets one probe through
	 */
	public record Breaker(Integer failureThreshold, Duration openFor) {

		public static final Breaker DEFAULTS = new Breaker(null, null);

		public Breaker {
			failureThreshold = failureThreshold == null ? 5 : failureThreshold;
			openFor = openFor == null ? Duration.ofSeconds(30) : openFor;
		}
	}

	/** Requests and tokens per window; {@link #UNLIMITED} when the provider has no such limit. */
	record Quota(long requests, long tokens) {

		static final long UNLIMITED = -1;

		boolean limited() {
			return requests != UNLIMITED || tokens != UNLIMITED;
		}
	}
}
