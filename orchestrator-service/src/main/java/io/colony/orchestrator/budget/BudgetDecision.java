package io.colony.orchestrator.budget;

import java.math.BigDecimal;

/** Whether a job may start within its own budget and its tenant's. */
public sealed interface BudgetDecision {

	/**
	 * The job may start with this budget: its own, with the cost lowered to what its tenant has left when the
	 * tenant has a budget. Either component may be {@code null} (no limit).
	 */
	record Within(Long maxTokens, BigDecimal maxCostUsd) implements BudgetDecision {
	}

	/** Its own minimum cost is over its own budget; {@code detail} says estimate against budget. */
	record OverJobBudget(String detail) implements BudgetDecision {
	}

	/** Its tenant has spent its budget, or would with this job's minimum cost. */
	record OverTenantBudget(String detail) implements BudgetDecision {
	}
}
