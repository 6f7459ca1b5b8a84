package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import io.colony.platform.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter's decisions around its store, on a clock the test moves. The shared store is stood in for by the
 * in-memory logs (the Redis script is exercised in {@code RedisSlidingLogsIntegrationTests}), wrapped so that the
 * test can make it fail or hang like an unreachable Redis.
 */
class TenantRateLimiterTests {

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId GLOBEX = TenantId.of("globex");

	private final MutableClock clock = new MutableClock(Instant.parse("2027-01-01T00:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final FlakyStore store = new FlakyStore();

	private final RateLimitProperties properties = new RateLimitProperties(null, 2, 3,
			Map.of("acme", new RateLimitProperties.TenantLimits(4, null)), "test:", Duration.ofMillis(100), null);

	private final TenantRateLimiter limiter = new TenantRateLimiter(store, properties, meters, clock);

	@Test
	void eachTenantHasItsOwnBudgetsAndOverridesReplaceOnlyWhatTheyName() {
		assertThat(admitted(ACME, Budget.SUBMISSIONS, 10)).as("acme's own submission limit").isEqualTo(4);
		assertThat(admitted(ACME, Budget.REQUESTS, 10)).as("acme's override leaves requests at the default")
			.isEqualTo(3);
		assertThat(admitted(GLOBEX, Budget.SUBMISSIONS, 10)).isEqualTo(2);
		assertThat(admitted(GLOBEX, Budget.REQUESTS, 10)).isEqualTo(3);
		assertThat(store.keys).hasValue(40);
	}

	@Test
	void countsEveryRefusalByTenantAndBudget() {
		admitted(GLOBEX, Budget.SUBMISSIONS, 5);
		admitted(GLOBEX, Budget.REQUESTS, 4);

		assertThat(meters.get(TenantRateLimiter.REFUSALS).tag("tenant", "globex").tag("budget", "submissions")
			.counter().count()).isEqualTo(3);
		assertThat(meters.get(TenantRateLimiter.REFUSALS).tag("tenant", "globex").tag("budget", "requests")
			.counter().count()).isEqualTo(1);
	}

	@Test
	void aRefusalSaysWhenTheOldestRequestLeavesTheWindow() {
		admitted(GLOBEX, Budget.SUBMISSIONS, 1);
		clock.advance(Duration.ofSeconds(20));
		admitted(GLOBEX, Budget.SUBMISSIONS, 1);
		clock.advance(Duration.ofSeconds(15));

		assertThat(limiter.admit(GLOBEX, Budget.SUBMISSIONS).block())
			.isEqualTo(new Admission.Refused(Duration.ofSeconds(25)));
	}

	@Test
	void withoutRedisEachInstanceAppliesTheLimitsAloneAndSaysSo() {
		store.failing.set(true);

		assertThat(admitted(GLOBEX, Budget.SUBMISSIONS, 5)).as("still limited, by this instance").isEqualTo(2);
		assertThat(limiter.degraded()).isTrue();
		assertThat(meters.get(TenantRateLimiter.DEGRADED).gauge().value()).isEqualTo(1);
		assertThat(store.calls).as("after the first failure Redis is left alone for a second").hasValue(1);

		clock.advance(Duration.ofMillis(TenantRateLimiter.STORE_RETRY_MILLIS));
		store.failing.set(false);
		assertThat(limiter.admit(GLOBEX, Budget.REQUESTS).block()).isInstanceOf(Admission.Admitted.class);

		assertThat(store.calls).hasValue(2);
		assertThat(limiter.degraded()).isFalse();
		assertThat(meters.get(TenantRateLimiter.DEGRADED).gauge().value()).isZero();
	}

	@Test
	void aRedisThatDoesNotAnswerInTimeIsTreatedAsDown() {
		store.hanging.set(true);

		Admission admission = limiter.admit(GLOBEX, Budget.SUBMISSIONS).block(Duration.ofSeconds(10));

		assertThat(admission).isInstanceOf(Admission.Admitted.class);
		assertThat(limiter.degraded()).isTrue();
	}

	private int admitted(TenantId tenant, Budget budget, int attempts) {
		int admitted = 0;
		for (int i = 0; i < attempts; i++) {
			if (limiter.admit(tenant, budget).block() instanceof Admission.Admitted) {
				admitted++;
			}
		}
		return admitted;
	}

	/** In-memory logs that can be made to fail or never answer. */
	private static final class FlakyStore implements SlidingLogs {

		final LocalSlidingLogs logs = new LocalSlidingLogs(RateLimitProperties.WINDOW);

		final AtomicBoolean failing = new AtomicBoolean();

		final AtomicBoolean hanging = new AtomicBoolean();

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger keys = new AtomicInteger();

		@Override
		public Mono<Admission> tryAdmit(String key, int limit, long nowMicros) {
			calls.incrementAndGet();
			if (failing.get()) {
				return Mono.error(new IllegalStateException("connection refused"));
			}
			if (hanging.get()) {
				return Mono.never();
			}
			assertThat(key).startsWith("test:");
			keys.incrementAndGet();
			return logs.tryAdmit(key, limit, nowMicros);
		}
	}
}
