package io.colony.orchestrator.budget;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Optional spending caps per tenant ({@code colony.orchestrator.tenant-budgets.<tenant>.max-cost-usd}); a
 * tenant without an entry has none.
 */
@ConfigurationProperties("colony.orchestrator")
record TenantBudgetProperties(Map<String, TenantBudget> tenantBudgets) {

	TenantBudgetProperties {
		tenantBudgets = tenantBudgets == null ? Map.of() : Map.copyOf(tenantBudgets);
		tenantBudgets.forEach((tenant, budget) -> {
			if (budget == null || budget.maxCostUsd() == null || budget.maxCostUsd().signum() <= 0) {
				throw new IllegalArgumentException("colony.orchestrator.tenant-budgets." + tenant
						+ ".max-cost-usd must be a positive amount of US dollars");
			}
		});
	}

	/** @param maxCostUsd what all the tenant's jobs together may cost */
	record TenantBudget(BigDecimal maxCostUsd) {
	}
}
