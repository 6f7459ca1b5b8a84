package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.Map;

/**
 * Per-tenant request rates at the gateway, counted over a sliding minute by every gateway instance together.
 *
 * @param enabled {@code false} turns the rate limits off (the orchestrator's concurrent-job quota still applies)
 * @param submissionsPerMinute job submissions ({@code POST /api/v1/jobs}) a tenant may make in any minute
 * @param requestsPerMinute every other {@code /api/**} request (reads, cancellations, operator decisions; an event
 * stream counts once, when it opens) a tenant may make in any minute
 * @param tenants per-tenant overrides of either figure, by tenant id; what an entry leaves out is the default
 * @param keyPrefix prefix of the Redis keys, so that several meshes (or tests) can share one Redis
 * @param redisTimeout how long a request waits for Redis' answer before this instance decides on its own
 * @param activeJobsRetryAfter the {@code Retry-After} of a submission refused because the tenant has too many
 * jobs running (the orchestrator cannot know when one ends)
 */
@ConfigurationProperties("colony.gateway.limits")
public record RateLimitProperties(Boolean enabled, Integer submissionsPerMinute, Integer requestsPerMinute,
		Map<String, TenantLimits> tenants, String keyPrefix, Duration redisTimeout, Duration activeJobsRetryAfter) {

	/** The limits count over this sliding window; the settings' names say so. */
	public static final Duration WINDOW = Duration.ofMinutes(1);

	public RateLimitProperties {
		enabled = enabled == null || enabled;
		submissionsPerMinute = submissionsPerMinute == null ? 120 : submissionsPerMinute;
		requestsPerMinute = requestsPerMinute == null ? 3000 : requestsPerMinute;
		tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
		keyPrefix = keyPrefix == null ? "colony:gateway:ratelimit:" : keyPrefix;
		redisTimeout = redisTimeout == null ? Duration.ofMillis(250) : redisTimeout;
		activeJobsRetryAfter = activeJobsRetryAfter == null ? Duration.ofSeconds(10) : activeJobsRetryAfter;
		requirePositive("colony.gateway.limits.submissions-per-minute", submissionsPerMinute);
		requirePositive("colony.gateway.limits.requests-per-minute", requestsPerMinute);
		tenants.forEach((tenant, limits) -> {
			if (limits != null) {
				requirePositive("colony.gateway.limits.tenants." + tenant + ".submissions-per-minute",
						limits.submissionsPerMinute());
				requirePositive("colony.gateway.limits.tenants." + tenant + ".requests-per-minute",
						limits.requestsPerMinute());
			}
		});
		if (keyPrefix.isBlank()) {
			throw new IllegalArgumentException("colony.gateway.limits.key-prefix must not be blank");
		}
		if (redisTimeout.isNegative() || redisTimeout.isZero()) {
			throw new IllegalArgumentException("colony.gateway.limits.redis-timeout must be positive");
		}
		if (activeJobsRetryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("colony.gateway.limits.active-jobs-retry-after must be at least PT1S");
		}
	}

	/** @param submissionsPerMinute {@code null}: the default; likewise {@code requestsPerMinute} */
	public record TenantLimits(Integer submissionsPerMinute, Integer requestsPerMinute) {
	}

	/** What {@code tenant} may do per minute under {@code budget}. */
	public int limit(TenantId tenant, Budget budget) {
		TenantLimits own = tenants.get(tenant.value());
		Integer override = own == null ? null : switch (budget) {
			case SUBMISSIONS -> own.submissionsPerMinute();
			case REQUESTS -> own.requestsPerMinute();
		};
		if (override != null) {
			return override;
		}
		return switch (budget) {
			case SUBMISSIONS -> submissionsPerMinute;
			case REQUESTS -> requestsPerMinute;
		};
	}

	private static void requirePositive(String name, Integer value) {
		if (value != null && value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, was " + value);
		}
	}
}
