package io.colony.worker.llm.pressure;

import io.colony.platform.testing.Await;
import io.colony.worker.llm.ProviderException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several limiters, each with its own Redis connection as separate workers would have, sharing the Redis at
 * 127.0.0.1:6379. Windows are a second or a few instead of a minute so that the tests take seconds; grant
 * times are Redis' own, so the window arithmetic below is exact.
 */
class FleetRateLimiterIntegrationTests {

	private static final Duration WINDOW = Duration.ofSeconds(1);

	private final String provider = "it-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<LettuceConnectionFactory> connections = new ArrayList<>();

	private ReactiveStringRedisTemplate redis;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void closeConnections() {
		try {
			if (redis != null) {
				redis.delete(Flux.fromIterable(RateLimitScripts.keys(provider))).block(Duration.ofSeconds(5));
			}
		}
		finally {
			connections.forEach(LettuceConnectionFactory::destroy);
		}
	}

	@Test
	void workersTogetherNeverGrantMoreThanTheLimitInAnyWindowAndEveryCallGetsThrough() {
		ProviderLimitsProperties limits = limits(WINDOW, 3_000L, null);
		int perWindow = 50;
		List<FleetRateLimiter> workers = List.of(worker(limits), worker(limits), worker(limits));

		List<RateGrant> grants = Flux.range(0, 300)
			.flatMap(i -> workers.get(i % workers.size()).acquire(provider, 10), 300)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(grants).hasSize(300).allSatisfy(grant -> assertThat(grant.recorded()).isTrue());
		List<Instant> times = grants.stream().map(RateGrant::grantedAt).sorted().toList();
		for (int i = 0; i + perWindow < times.size(); i++) {
			assertThat(Duration.between(times.get(i), times.get(i + perWindow)))
				.as("grant %d and the %dth after it are a window apart", i, perWindow)
				.isGreaterThanOrEqualTo(WINDOW);
		}
		assertThat(Duration.between(times.getFirst(), times.getLast())).as("300 calls at 50 per window")
			.isGreaterThanOrEqualTo(WINDOW.multipliedBy(5));
		assertThat(meters.get("colony.llm.ratelimit.waits").tag("provider", provider).counter().count())
			.as("calls that had to wait, counted once each").isGreaterThan(0).isLessThanOrEqualTo(300);
		workers.forEach(worker -> assertThat(worker.waiting(provider)).isZero());
	}

	@Test
	void tokensCountWhatACallReallyUsedOnceSettled() {
		ProviderLimitsProperties limits = limits(WINDOW, null, 60_000L);
		FleetRateLimiter first = worker(limits);
		FleetRateLimiter second = worker(limits);

		RateGrant estimated = first.acquire(provider, 100).block(Duration.ofSeconds(5));
		first.settle(estimated, 900).block(Duration.ofSeconds(5));
		RateGrant fits = second.acquire(provider, 100).block(Duration.ofSeconds(5));
		RateGrant waited = first.acquire(provider, 200).block(Duration.ofSeconds(10));

		assertThat(Duration.between(estimated.grantedAt(), fits.grantedAt())).as("900 + 100 fit in 1,000")
			.isLessThan(WINDOW);
		assertThat(Duration.between(estimated.grantedAt(), waited.grantedAt()))
			.as("900 + 100 + 200 do not: waited for the 900 to leave the window")
			.isGreaterThanOrEqualTo(WINDOW);
	}

	@Test
	void aRequestCountsFromItsAnswerSoThatTheProviderNeverSeesMoreThanTheLimit() {
		Duration window = Duration.ofSeconds(2);
		ProviderLimitsProperties limits = limits(window, 30L, null);
		FleetRateLimiter first = worker(limits);
		FleetRateLimiter second = worker(limits);
		Duration call = Duration.ofMillis(800);

		RateGrant slow = first.acquire(provider, 1).block(Duration.ofSeconds(5));
		// the call takes 800 ms before its answer settles it (a request the provider may see late)
		Mono.delay(call).then(first.settle(slow, 1)).block(Duration.ofSeconds(5));
		RateGrant next = second.acquire(provider, 1).block(Duration.ofSeconds(10));

		assertThat(Duration.between(slow.grantedAt(), next.grantedAt()))
			.as("one request per window, counted from the first one's answer")
			.isGreaterThanOrEqualTo(window.plus(call));
	}

	@Test
	void aChargeSettledBelowItsEstimateLetsAWaitingCallGoWithoutWaitingForTheWindow() {
		Duration window = Duration.ofSeconds(10);
		ProviderLimitsProperties limits = limits(window, null, 6_000L);
		FleetRateLimiter worker = worker(limits);

		RateGrant overestimated = worker.acquire(provider, 600).block(Duration.ofSeconds(5));
		Mono<RateGrant> waiting = worker.acquire(provider, 600).cache();
		waiting.subscribe();
		Await.until(Duration.ofSeconds(5), "the second call to wait", () -> worker.waiting(provider) == 1);
		worker.settle(overestimated, 100).block(Duration.ofSeconds(5));
		RateGrant next = waiting.block(Duration.ofSeconds(5));

		assertThat(Duration.between(overestimated.grantedAt(), next.grantedAt())).isLessThan(window);
	}

	@Test
	void aCallEstimatedAboveTheWholeTokenLimitWaitsForAnEmptyWindowInsteadOfNeverRunning() {
		ProviderLimitsProperties limits = limits(WINDOW, null, 60_000L);
		FleetRateLimiter worker = worker(limits);

		RateGrant small = worker.acquire(provider, 1).block(Duration.ofSeconds(5));
		RateGrant huge = worker.acquire(provider, 5_000).block(Duration.ofSeconds(10));

		assertThat(huge.estimatedTokens()).isEqualTo(1_000);
		assertThat(Duration.between(small.grantedAt(), huge.grantedAt())).isGreaterThanOrEqualTo(WINDOW);
	}

	@Test
	void aRetryAfterFromOneWorkerPausesEveryWorker() {
		ProviderLimitsProperties limits = limits(WINDOW, 60_000L, null);
		FleetRateLimiter first = worker(limits);
		FleetRateLimiter second = worker(limits);

		Instant resumeAt = first.pause(provider, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
		Instant shorter = second.pause(provider, Duration.ofMillis(100)).block(Duration.ofSeconds(5));
		RateGrant grant = second.acquire(provider, 1).block(Duration.ofSeconds(10));

		assertThat(shorter).as("a shorter pause does not shorten a longer one").isEqualTo(resumeAt);
		assertThat(grant.grantedAt()).isAfterOrEqualTo(resumeAt);
	}

	@Test
	void aRateLimitedCallThroughTheGuardPausesTheOtherWorkers() {
		ProviderLimitsProperties limits = limits(WINDOW, 60_000L, null);
		ProviderGuard guard = new ProviderGuard(new CircuitBreaker(limits, meters), worker(limits),
				new AdaptiveConcurrency(limits, meters));
		FleetRateLimiter other = worker(limits);

		StepVerifier.create(guard.call(provider, 10, () -> Mono.<String>error(new ProviderException(provider, 429,
				Duration.ofSeconds(2), "LLM provider answered HTTP 429")), String::length))
			.expectError(ProviderException.class)
			.verify(Duration.ofSeconds(5));
		String pausedUntil = Await.untilValue(Duration.ofSeconds(5), "the fleet-wide pause in Redis",
				() -> redis.opsForValue().get(RateLimitScripts.keys(provider).get(3)).block(Duration.ofSeconds(1)),
				value -> value != null);
		RateGrant grant = other.acquire(provider, 1).block(Duration.ofSeconds(10));

		Instant resumeAt = Instant.EPOCH.plusNanos(Long.parseLong(pausedUntil) * 1_000);
		assertThat(grant.grantedAt()).isAfterOrEqualTo(resumeAt);
	}

	@Test
	void aReleasedGrantFreesItsPlaceAndACancelledWaitingCallLeavesTheQueue() {
		Duration window = Duration.ofSeconds(10);
		ProviderLimitsProperties limits = limits(window, 12L, null);
		FleetRateLimiter worker = worker(limits);

		RateGrant first = worker.acquire(provider, 1).block(Duration.ofSeconds(5));
		RateGrant second = worker.acquire(provider, 1).block(Duration.ofSeconds(5));
		Disposable waiting = worker.acquire(provider, 1).subscribe();
		assertThat(worker.waiting(provider)).isEqualTo(1);
		waiting.dispose();
		assertThat(worker.waiting(provider)).isZero();
		worker.release(second).block(Duration.ofSeconds(5));
		RateGrant third = worker.acquire(provider, 1).block(Duration.ofSeconds(5));

		assertThat(Duration.between(first.grantedAt(), third.grantedAt()))
			.as("granted in the first window: the released grant made room").isLessThan(window);
	}

	@Test
	void whenRedisIsUnreachableCallsGoOnWithoutFleetLimitsByDefault() {
		FleetRateLimiter worker = worker(limits(WINDOW, 60L, null), 1);

		List<RateGrant> grants = Flux.range(0, 5)
			.flatMap(i -> worker.acquire(provider, 1))
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(grants).hasSize(5).noneSatisfy(grant -> assertThat(grant.recorded()).isTrue());
	}

	@Test
	void whenRedisIsUnreachableAndSetToWaitCallsWait() {
		ProviderLimitsProperties limits = new ProviderLimitsProperties(WINDOW, Duration.ofMillis(200),
				ProviderLimitsProperties.RedisUnavailable.WAIT,
				Map.of(provider, new ProviderLimitsProperties.Provider(60L, null, null, null)));
		FleetRateLimiter worker = worker(limits, 1);

		StepVerifier.create(worker.acquire(provider, 1))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1_500))
			.thenCancel()
			.verify();
		assertThat(worker.waiting(provider)).isZero();
	}

	private ProviderLimitsProperties limits(Duration window, Long requestsPerMinute, Long tokensPerMinute) {
		return new ProviderLimitsProperties(window, Duration.ofSeconds(2), null,
				Map.of(provider, new ProviderLimitsProperties.Provider(requestsPerMinute, tokensPerMinute, null, null)));
	}

	private FleetRateLimiter worker(ProviderLimitsProperties limits) {
		return worker(limits, 6379);
	}

	private FleetRateLimiter worker(ProviderLimitsProperties limits, int port) {
		LettuceConnectionFactory connection = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port));
		connection.afterPropertiesSet();
		connection.start();
		connections.add(connection);
		ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(connection);
		if (redis == null && port == 6379) {
			redis = template;
		}
		return new FleetRateLimiter(template, limits, meters);
	}
}
