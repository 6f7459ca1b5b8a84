package io.colony.gateway.ratelimit;

import io.colony.gateway.problem.ProblemWriter;
import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Clock;

/**
 * The tenant rate limits (on unless {@code colony.gateway.limits.enabled=false}) and the Redis client's behaviour
 * while disconnected: refuse commands at once instead of queueing them until it reconnects, so that a lost Redis
 * costs a request a failed call (and the per-instance fallback), not the timeout, and nothing piles up.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	@Bean
	TenantRateLimiter tenantRateLimiter(ReactiveStringRedisTemplate redis, RateLimitProperties properties,
			MeterRegistry meters) {
		return new TenantRateLimiter(redis, properties, meters, Clock.systemUTC());
	}

	@Bean
	RateLimitFilter rateLimitFilter(TenantRateLimiter limiter, RateLimitProperties properties, ProblemWriter problems) {
		return new RateLimitFilter(limiter, properties, problems);
	}

	@Bean
	LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
		return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}
}
