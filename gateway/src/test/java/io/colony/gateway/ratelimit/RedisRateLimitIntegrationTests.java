package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import io.colony.platform.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two limiters, each with its own Redis connection as two gateway instances would have, sharing the Redis at
 * 127.0.0.1:6379 under a key prefix of their own (tests of other modules and worktrees use the same Redis). Both
 * read one clock the test moves, so the window arithmetic is exact.
 */
class RedisRateLimitIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final TenantId ACME = TenantId.of("acme");

	private final String prefix = "colony:test:" + UUID.randomUUID() + ":";

	private final MutableClock clock = new MutableClock(Instant.parse("2027-01-01T00:00:00Z"));

	private final List<LettuceConnectionFactory> connections = new ArrayList<>();

	private final RateLimitProperties properties = new RateLimitProperties(null, 5, 10,
			Map.of("vip", new RateLimitProperties.TenantLimits(50, null)), prefix, Duration.ofSeconds(2), null);

	private final ReactiveStringRedisTemplate redis = template();

	private final TenantRateLimiter first = instance();

	private final TenantRateLimiter second = instance();

	@AfterEach
	void dropKeysAndConnections() {
		try {
			redis.keys(prefix + "*").collectList().flatMap(keys -> keys.isEmpty() ? reactor.core.publisher.Mono.just(0L)
					: redis.delete(keys.toArray(String[]::new))).block(WAIT);
		}
		finally {
			connections.forEach(LettuceConnectionFactory::destroy);
		}
	}

	@Test
	void instancesShareOneBudgetAndTheRefusalSaysWhenTheOldestLeaves() {
		List<Admission> answers = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			answers.add((i % 2 == 0 ? first : second).admit(ACME, Budget.SUBMISSIONS).block(WAIT));
			clock.advance(Duration.ofSeconds(1));
		}

		assertThat(answers.subList(0, 5)).allSatisfy(answer -> assertThat(answer).isInstanceOf(Admission.Admitted.class));
		assertThat(answers.get(5)).as("the first was logged 5 s before the sixth")
			.isEqualTo(new Admission.Refused(Duration.ofSeconds(55)));
		assertThat(first.admit(ACME, Budget.REQUESTS).block(WAIT)).as("reads are counted apart")
			.isInstanceOf(Admission.Admitted.class);
		assertThat(first.degraded()).isFalse();
		assertThat(second.degraded()).isFalse();

		clock.advance(Duration.ofSeconds(54));
		assertThat(second.admit(ACME, Budget.SUBMISSIONS).block(WAIT)).as("60 s after the first")
			.isInstanceOf(Admission.Admitted.class);
		assertThat(first.admit(ACME, Budget.SUBMISSIONS).block(WAIT)).as("the second leaves at +61 s")
			.isEqualTo(new Admission.Refused(Duration.ofSeconds(1)));
	}

	@Test
	void racingInstancesNeverAdmitMoreThanTheLimit() {
		List<Admission> answers = Flux.range(0, 200)
			.flatMap(i -> (i % 2 == 0 ? first : second).admit(TenantId.of("vip"), Budget.SUBMISSIONS), 200)
			.collectList()
			.block(WAIT);

		assertThat(answers).filteredOn(Admission.Admitted.class::isInstance).hasSize(50);
		assertThat(answers).filteredOn(Admission.Refused.class::isInstance).hasSize(150)
			.allSatisfy(refused -> assertThat(((Admission.Refused) refused).retryAfter())
				.isEqualTo(Duration.ofMinutes(1)));
		assertThat(redis.opsForZSet().size(prefix + "submissions:vip").block(WAIT)).isEqualTo(50);
	}

	@Test
	void anIdleTenantLeavesNothingBehind() {
		first.admit(ACME, Budget.REQUESTS).block(WAIT);

		Duration ttl = redis.getExpire(prefix + "requests:acme").block(WAIT);

		assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
	}

	private TenantRateLimiter instance() {
		return new TenantRateLimiter(template(), properties, new SimpleMeterRegistry(), clock);
	}

	private ReactiveStringRedisTemplate template() {
		LettuceConnectionFactory connection = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", 6379));
		connection.afterPropertiesSet();
		connection.start();
		connections.add(connection);
		return new ReactiveStringRedisTemplate(connection);
	}
}
