package io.colony.orchestrator.job;

import io.colony.contracts.TenantId;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Map;

/**
 * How many jobs a tenant may have open (accepted or running) at once.
 *
 * @param maxActiveJobs the limit of every tenant without an entry in {@code tenants}
 * @param tenants per-tenant limits ({@code colony.orchestrator.tenant-quotas.tenants.<tenant>.max-active-jobs})
 */
@ConfigurationProperties("colony.orchestrator.tenant-quotas")
record TenantQuotaProperties(Integer maxActiveJobs, Map<String, TenantQuota> tenants) {

	TenantQuotaProperties {
		maxActiveJobs = maxActiveJobs == null ? 100 : maxActiveJobs;
		tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
		if (maxActiveJobs < 1) {
			throw new IllegalArgumentException(
					"colony.orchestrator.tenant-quotas.max-active-jobs must be at least 1, was " + maxActiveJobs);
		}
		tenants.forEach((tenant, quota) -> {
			if (quota == null || quota.maxActiveJobs() == null || quota.maxActiveJobs() < 1) {
				throw new IllegalArgumentException("colony.orchestrator.tenant-quotas.tenants." + tenant
						+ ".max-active-jobs must be at least 1");
			}
		});
	}

	record TenantQuota(Integer maxActiveJobs) {
	}

	int maxActiveJobs(TenantId tenant) {
		TenantQuota own = tenants.get(tenant.value());
		return own == null ? maxActiveJobs : own.maxActiveJobs();
	}
}
