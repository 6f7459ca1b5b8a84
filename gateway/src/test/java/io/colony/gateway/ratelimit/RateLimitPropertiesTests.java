package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpMethod;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitPropertiesTests {

	@Test
	void defaults() {
		RateLimitProperties limits = bind(Map.of());

		assertThat(limits.enabled()).isTrue();
		assertThat(limits.limit(TenantId.of("any"), Budget.SUBMISSIONS)).isEqualTo(120);
		assertThat(limits.limit(TenantId.of("any"), Budget.REQUESTS)).isEqualTo(3000);
		assertThat(limits.keyPrefix()).isEqualTo("colony:gateway:ratelimit:");
		assertThat(limits.redisTimeout()).isEqualTo(Duration.ofMillis(250));
		assertThat(limits.activeJobsRetryAfter()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void bindsPerTenantOverrides() {
		RateLimitProperties limits = bind(Map.of("colony.gateway.limits.submissions-per-minute", "30",
				"colony.gateway.limits.tenants.acme.submissions-per-minute", "600",
				"colony.gateway.limits.tenants[big.corp].requests-per-minute", "10000"));

		assertThat(limits.limit(TenantId.of("acme"), Budget.SUBMISSIONS)).isEqualTo(600);
		assertThat(limits.limit(TenantId.of("acme"), Budget.REQUESTS)).isEqualTo(3000);
		assertThat(limits.limit(TenantId.of("big.corp"), Budget.REQUESTS)).isEqualTo(10000);
		assertThat(limits.limit(TenantId.of("big.corp"), Budget.SUBMISSIONS)).isEqualTo(30);
	}

	@Test
	void refusesLimitsBelowOne() {
		assertThatThrownBy(() -> bind(Map.of("colony.gateway.limits.requests-per-minute", "0")))
			.isInstanceOf(BindException.class)
			.rootCause().hasMessageContaining("requests-per-minute must be at least 1");
		assertThatThrownBy(() -> bind(Map.of("colony.gateway.limits.tenants.acme.submissions-per-minute", "-1")))
			.rootCause().hasMessageContaining("tenants.acme.submissions-per-minute must be at least 1");
		assertThatThrownBy(() -> bind(Map.of("colony.gateway.limits.active-jobs-retry-after", "PT0.5S")))
			.rootCause().hasMessageContaining("at least PT1S");
	}

	@Test
	void onlyAJobSubmissionDrawsOnTheSubmissionBudget() {
		assertThat(Budget.of(HttpMethod.POST, "/api/v1/jobs")).isEqualTo(Budget.SUBMISSIONS);
		assertThat(Budget.of(HttpMethod.GET, "/api/v1/jobs/123")).isEqualTo(Budget.REQUESTS);
		assertThat(Budget.of(HttpMethod.DELETE, "/api/v1/jobs/123")).isEqualTo(Budget.REQUESTS);
		assertThat(Budget.of(HttpMethod.POST, "/api/v1/credentials/requests/1/approve")).isEqualTo(Budget.REQUESTS);
	}

	private static RateLimitProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("colony.gateway.limits", Bindable.of(RateLimitProperties.class));
	}
}
