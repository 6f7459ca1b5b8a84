package io.colony.worker.llm.pressure;

import io.colony.worker.llm.ProviderException;
import io.colony.worker.llm.pressure.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.colony.worker.llm.pressure.Limits.PROVIDER;
import static io.colony.worker.llm.pressure.Limits.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard around one provider without rate limits, so that no Redis is involved (the limiter never touches
 * Redis for such a provider; its template points at a closed port to prove it). Fleet-wide limits are covered
 * by {@code FleetRateLimiterIntegrationTests}.
 */
class ProviderGuardTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void aRateLimitCutsConcurrencyAndPausesTheProviderButLeavesTheBreakerClosed() {
		ProviderGuard guard = guard(new ProviderLimitsProperties.Concurrency(4, 1, 8),
				new ProviderLimitsProperties.Breaker(1, Duration.ofSeconds(30)));

		StepVerifier.create(guard.call(PROVIDER, 100, () -> call(Mono.error(status(429, Duration.ofSeconds(20)))),
				String::length))
			.expectError()
			.verify();

		assertThat(guard.concurrency().limit(PROVIDER)).isEqualTo(2);
		assertThat(guard.breaker().state(PROVIDER)).isEqualTo(State.CLOSED);
		StepVerifier.withVirtualTime(() -> guard.call(PROVIDER, 100, () -> call(Mono.just("answer")), String::length),
				() -> time, Long.MAX_VALUE)
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(19))
			.then(() -> assertThat(calls).as("only the rate-limited call so far").hasValue(1))
			.thenAwait(Duration.ofSeconds(1))
			.expectNext("answer")
			.verifyComplete();
	}

	@Test
	void outagesOpenTheBreakerAndThenCallsFailFastIncludingThoseThatWereQueued() {
		ProviderGuard guard = guard(new ProviderLimitsProperties.Concurrency(1, 1, 1),
				new ProviderLimitsProperties.Breaker(1, Duration.ofSeconds(30)));
		Sinks.One<String> first = Sinks.one();
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		guard.call(PROVIDER, 100, () -> call(first.asMono()), String::length).subscribe(value -> {
		}, errors::add);
		guard.call(PROVIDER, 100, () -> call(Mono.just("queued")), String::length).subscribe(value -> {
		}, errors::add);
		assertThat(guard.concurrency().waiting(PROVIDER)).isEqualTo(1);

		first.tryEmitError(status(503));

		assertThat(guard.breaker().state(PROVIDER)).isEqualTo(State.OPEN);
		assertThat(errors).as("the queued call got its permit only after the breaker opened")
			.hasSize(2)
			.hasAtLeastOneElementOfType(ProviderException.class)
			.hasAtLeastOneElementOfType(ProviderUnavailable.class);
		StepVerifier.create(guard.call(PROVIDER, 100, () -> call(Mono.just("later")), String::length))
			.expectError(ProviderUnavailable.class)
			.verify();
		assertThat(calls).hasValue(1);
		assertThat(guard.concurrency().limit(PROVIDER)).as("min").isEqualTo(1);
		assertThat(guard.concurrency().active(PROVIDER)).isZero();
	}

	@Test
	void aSuccessfulCallReturnsItsValueAndFreesItsPermit() {
		ProviderGuard guard = guard(new ProviderLimitsProperties.Concurrency(1, 1, 1),
				new ProviderLimitsProperties.Breaker(1, Duration.ofSeconds(30)));

		StepVerifier.create(guard.call(PROVIDER, 100, () -> call(Mono.just("answer")), String::length))
			.expectNext("answer")
			.verifyComplete();

		assertThat(guard.concurrency().active(PROVIDER)).isZero();
		assertThat(guard.breaker().state(PROVIDER)).isEqualTo(State.CLOSED);
	}

	private ProviderGuard guard(ProviderLimitsProperties.Concurrency concurrency,
			ProviderLimitsProperties.Breaker breaker) {
		ProviderLimitsProperties limits = Limits.of(new ProviderLimitsProperties.Provider(null, null, concurrency, breaker));
		ReactiveStringRedisTemplate nowhere = new ReactiveStringRedisTemplate(
				new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1)));
		return new ProviderGuard(new CircuitBreaker(limits, meters, time),
				new FleetRateLimiter(nowhere, limits, meters, time), new AdaptiveConcurrency(limits, meters, time));
	}

	private <T> Mono<T> call(Mono<T> answer) {
		return Mono.defer(() -> {
			calls.incrementAndGet();
			return answer;
		});
	}
}
