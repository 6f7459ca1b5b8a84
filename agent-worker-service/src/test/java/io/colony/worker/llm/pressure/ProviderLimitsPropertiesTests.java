package io.colony.worker.llm.pressure;

import io.colony.worker.llm.pressure.ProviderLimitsProperties.Quota;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderLimitsPropertiesTests {

	@Test
	void defaultsToAOneMinuteWindowFailingOpenAndUnlimitedRates() {
		ProviderLimitsProperties limits = bind(Map.of());

		assertThat(limits.window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(limits.redisTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(limits.redisUnavailable()).isEqualTo(ProviderLimitsProperties.RedisUnavailable.ALLOW);
		ProviderLimitsProperties.Provider unnamed = limits.provider("anything");
		assertThat(unnamed.concurrency()).isEqualTo(new ProviderLimitsProperties.Concurrency(32, 1, 256));
		assertThat(unnamed.breaker()).isEqualTo(new ProviderLimitsProperties.Breaker(5, Duration.ofSeconds(30)));
		assertThat(limits.quota("anything").limited()).isFalse();
	}

	@Test
	void bindsPerProviderLimitsFromKebabCaseProperties() {
		ProviderLimitsProperties limits = bind(Map.of(
				"colony.worker.llm.limits.window", "10s",
				"colony.worker.llm.limits.redis-unavailable", "wait",
				"colony.worker.llm.limits.providers.openai.requests-per-minute", "600",
				"colony.worker.llm.limits.providers.openai.tokens-per-minute", "90000",
				"colony.worker.llm.limits.providers.openai.concurrency.max", "16",
				"colony.worker.llm.limits.providers.openai.breaker.failure-threshold", "3",
				"colony.worker.llm.limits.providers.openai.breaker.open-for", "1m"));

		ProviderLimitsProperties.Provider openai = limits.provider("openai");
		assertThat(limits.redisUnavailable()).isEqualTo(ProviderLimitsProperties.RedisUnavailable.WAIT);
		assertThat(openai.requestsPerMinute()).isEqualTo(600);
		assertThat(openai.concurrency()).as("initial defaults to 32, capped by max")
			.isEqualTo(new ProviderLimitsProperties.Concurrency(16, 1, 16));
		assertThat(openai.breaker()).isEqualTo(new ProviderLimitsProperties.Breaker(3, Duration.ofMinutes(1)));
		assertThat(limits.quota("openai")).as("per 10s window").isEqualTo(new Quota(100, 15_000));
		assertThat(limits.quota("anthropic").limited()).isFalse();
	}

	@Test
	void aShorterWindowScalesTheLimitsDownRoundingDown() {
		ProviderLimitsProperties limits = new ProviderLimitsProperties(Duration.ofSeconds(7), null, null,
				Map.of("p", new ProviderLimitsProperties.Provider(500L, null, null, null)));

		assertThat(limits.quota("p")).isEqualTo(new Quota(58, Quota.UNLIMITED));
	}

	@Test
	void rejectsWhatCannotWorkNamingTheProperty() {
		assertInvalid(Map.of("colony.worker.llm.limits.window", "2m"),
				"colony.worker.llm.limits.window must be between 1ms and 1m");
		assertInvalid(Map.of("colony.worker.llm.limits.redis-timeout", "0s"),
				"colony.worker.llm.limits.redis-timeout must be positive");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.requests-per-minute", "0"),
				"colony.worker.llm.limits.providers.openai.requests-per-minute must be at least 1");
		assertInvalid(Map.of("colony.worker.llm.limits.window", "1s",
				"colony.worker.llm.limits.providers.openai.tokens-per-minute", "30"),
				"colony.worker.llm.limits.providers.openai.tokens-per-minute (30) allows less than one per window of PT1S");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.concurrency.min", "8",
				"colony.worker.llm.limits.providers.openai.concurrency.max", "4"),
				"colony.worker.llm.limits.providers.openai.concurrency.max (4) must not be below concurrency.min (8)");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.concurrency.initial", "300"),
				"colony.worker.llm.limits.providers.openai.concurrency.initial (300) must be between");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.concurrency.min", "0"),
				"colony.worker.llm.limits.providers.openai.concurrency.min must be at least 1");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.breaker.failure-threshold", "0"),
				"colony.worker.llm.limits.providers.openai.breaker.failure-threshold must be at least 1");
		assertInvalid(Map.of("colony.worker.llm.limits.providers.openai.breaker.open-for", "0s"),
				"colony.worker.llm.limits.providers.openai.breaker.open-for must be positive");
		assertThatThrownBy(() -> new ProviderLimitsProperties(null, null, null,
				Map.of("open{ai}", ProviderLimitsProperties.Provider.DEFAULTS)))
			.hasMessageStartingWith("colony.worker.llm.limits.providers has a provider named 'open{ai}'");
	}

	private static void assertInvalid(Map<String, String> properties, String message) {
		assertThatThrownBy(() -> bind(properties)).isInstanceOf(BindException.class)
			.rootCause()
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(message);
	}

	private static ProviderLimitsProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate(ProviderLimitsProperties.PREFIX, Bindable.of(ProviderLimitsProperties.class));
	}
}
