package io.colony.orchestrator.job;

import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantQuotaPropertiesTests {

	@Test
	void everyTenantMayHaveAHundredOpenJobsUnlessItsOwnQuotaSaysOtherwise() {
		assertThat(bind(Map.of()).maxActiveJobs(TenantId.of("anyone"))).isEqualTo(100);

		TenantQuotaProperties quotas = bind(Map.of("colony.orchestrator.tenant-quotas.max-active-jobs", "20",
				"colony.orchestrator.tenant-quotas.tenants.acme.max-active-jobs", "500",
				"colony.orchestrator.tenant-quotas.tenants[big.corp].max-active-jobs", "1000"));

		assertThat(quotas.maxActiveJobs(TenantId.of("anyone"))).isEqualTo(20);
		assertThat(quotas.maxActiveJobs(TenantId.of("acme"))).isEqualTo(500);
		assertThat(quotas.maxActiveJobs(TenantId.of("big.corp"))).isEqualTo(1000);
	}

	@Test
	void refusesAQuotaBelowOne() {
		assertThatThrownBy(() -> bind(Map.of("colony.orchestrator.tenant-quotas.max-active-jobs", "0")))
			.isInstanceOf(BindException.class)
			.rootCause().hasMessageContaining("max-active-jobs must be at least 1");
		assertThatThrownBy(() -> bind(Map.of("colony.orchestrator.tenant-quotas.tenants.acme.max-active-jobs", "0")))
			.rootCause().hasMessageContaining("tenants.acme.max-active-jobs must be at least 1");
	}

	private static TenantQuotaProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("colony.orchestrator.tenant-quotas", Bindable.of(TenantQuotaProperties.class));
	}
}
