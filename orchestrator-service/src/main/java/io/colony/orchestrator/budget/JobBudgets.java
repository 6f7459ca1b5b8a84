package io.colony.orchestrator.budget;

import io.colony.contracts.JobSpec;
import io.colony.contracts.TenantId;
import io.colony.platform.pricing.PriceTable;
import io.colony.platform.pricing.Usd;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Decides before dispatch whether a job can stay within its budget and its tenant's.
 *
 * <p>The job's own check compares its {@link MinimumCost} with its limits. The tenant check compares what the
 * tenant's jobs have cost so far, as this orchestrator's job views last heard it from the aggregator (progress
 * and completions), plus the new job's minimum, with the tenant's budget; an accepted job's cost budget is then
 * lowered to what the tenant has left, so the aggregator stops it there. That makes a tenant budget soft by the
 * cost of jobs running at the same time (each may spend up to what was left when it started) and by the
 * progress interval, never by more.
 */
@Component
public class JobBudgets {

	private final PriceTable prices;

	private final TenantBudgetProperties tenantBudgets;

	private final JdbcTemplate jdbc;

	JobBudgets(PriceTable prices, TenantBudgetProperties tenantBudgets, JdbcTemplate jdbc) {
		this.prices = prices;
		this.tenantBudgets = tenantBudgets;
		this.jdbc = jdbc;
	}

	/** @param agentModel the model the registry announces for the job's agent type, or {@code null} */
	public BudgetDecision decide(TenantId tenant, JobSpec spec, String agentModel) {
		String model = spec.model() != null ? spec.model() : agentModel;
		MinimumCost minimum = MinimumCost.of(spec, model, prices);
		Long maxTokens = spec.limits().maxTokens();
		BigDecimal maxCostUsd = spec.limits().maxCostUsd();
		Optional<String> over = minimum.exceeds(maxTokens, maxCostUsd);
		if (over.isPresent()) {
			return new BudgetDecision.OverJobBudget(over.get());
		}
		TenantBudgetProperties.TenantBudget tenantBudget = tenantBudgets.tenantBudgets().get(tenant.value());
		if (tenantBudget == null) {
			return new BudgetDecision.Within(maxTokens, maxCostUsd);
		}
		BigDecimal spent = spentBy(tenant);
		BigDecimal left = tenantBudget.maxCostUsd().subtract(spent);
		BigDecimal needed = minimum.costUsd() == null ? BigDecimal.ZERO : minimum.costUsd();
		if (left.signum() <= 0 || needed.compareTo(left) > 0) {
			return new BudgetDecision.OverTenantBudget("tenant '" + tenant + "' has spent " + Usd.format(spent)
					+ " of its budget of " + Usd.format(tenantBudget.maxCostUsd())
					+ (needed.signum() > 0 ? "; this job needs at least " + Usd.format(needed) : ""));
		}
		return new BudgetDecision.Within(maxTokens,
				maxCostUsd == null || left.compareTo(maxCostUsd) < 0 ? Usd.canonical(left) : maxCostUsd);
	}

	private BigDecimal spentBy(TenantId tenant) {
		BigDecimal spent = jdbc.queryForObject("select coalesce(sum(cost_usd), 0) from jobs where tenant = ?",
				BigDecimal.class, tenant.value());
		return Usd.canonical(spent);
	}
}
