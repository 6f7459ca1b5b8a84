package io.colony.gateway.webhook;

import io.colony.contracts.JobId;
import io.colony.gateway.ratelimit.RateLimitProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The GitHub delivery ids already accepted, in Redis ({@code <colony.gateway.limits.key-prefix>github:delivery:<id>},
 * shared by every gateway instance). Redis is a shortcut, not the guarantee: when it cannot answer within the rate
 * limits' {@code redis-timeout} a delivery counts as unseen, and the orchestrator's idempotency key (the delivery id)
 * still makes a redelivery the same job.
 */
@Component
class Deliveries {

	private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

	private final ReactiveStringRedisTemplate redis;

	private final String prefix;

	private final Duration timeout;

	private final Duration ttl;

	Deliveries(ReactiveStringRedisTemplate redis, RateLimitProperties limits, GitHubWebhookProperties properties) {
		this.redis = redis;
		this.prefix = limits.keyPrefix() + "github:delivery:";
		this.timeout = limits.redisTimeout();
		this.ttl = properties.deliveryTtl();
	}

	String key(String deliveryId) {
		return prefix + deliveryId;
	}

	Mono<Boolean> seen(String deliveryId) {
		return redis.hasKey(key(deliveryId))
			.timeout(timeout)
			.defaultIfEmpty(false)
			.onErrorResume(error -> {
				log.warn("could not ask Redis about GitHub delivery {}: {}", deliveryId, error.toString());
				return Mono.just(false);
			});
	}

	/** Remembers an accepted delivery; a failure is logged, and the orchestrator's idempotency covers it. */
	Mono<Void> accepted(String deliveryId, JobId jobId) {
		return redis.opsForValue()
			.set(key(deliveryId), jobId.toString(), ttl)
			.timeout(timeout)
			.onErrorResume(error -> {
				log.warn("could not remember GitHub delivery {}: {}", deliveryId, error.toString());
				return Mono.just(false);
			})
			.then();
	}
}
