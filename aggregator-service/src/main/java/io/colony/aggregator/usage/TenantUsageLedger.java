package io.colony.aggregator.usage;

import io.colony.contracts.TenantId;
import io.colony.contracts.TenantUsage;
import io.colony.contracts.Usage;
import io.colony.platform.pricing.Usd;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tenant_usage table: what each tenant has consumed, kept in the transactions that record results and
 * acceptances, so that it never disagrees with the jobs' own tallies. Writers lock tenant rows after the job
 * rows of their transaction and in tenant order, so concurrent batches cannot deadlock on them.
 */
@Component
public class TenantUsageLedger {

	private final JdbcTemplate jdbc;

	TenantUsageLedger(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Adds what a batch of results consumed, one statement for all its tenants. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void add(Map<TenantId, Usage> byTenant) {
		if (byTenant.isEmpty()) {
			return;
		}
		Map<String, Usage> ordered = new TreeMap<>();
		byTenant.forEach((tenant, usage) -> ordered.merge(tenant.value(), usage, Usage::plus));
		int size = ordered.size();
		String[] tenants = new String[size];
		long[] promptTokens = new long[size];
		long[] completionTokens = new long[size];
		long[] llmCalls = new long[size];
		long[] toolCalls = new long[size];
		String[] costs = new String[size];
		int i = 0;
		for (Map.Entry<String, Usage> entry : ordered.entrySet()) {
			Usage usage = entry.getValue();
			tenants[i] = entry.getKey();
			promptTokens[i] = usage.promptTokens();
			completionTokens[i] = usage.completionTokens();
			llmCalls[i] = usage.llmCalls();
			toolCalls[i] = usage.toolCalls();
			costs[i] = usage.costUsd().toPlainString();
			i++;
		}
		jdbc.update("""
				insert into tenant_usage (tenant, prompt_tokens, completion_tokens, llm_calls, tool_calls, cost_usd)
				select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[])
				order by 1
				on conflict (tenant) do update set
				    prompt_tokens = tenant_usage.prompt_tokens + excluded.prompt_tokens,
				    completion_tokens = tenant_usage.completion_tokens + excluded.completion_tokens,
				    llm_calls = tenant_usage.llm_calls + excluded.llm_calls,
				    tool_calls = tenant_usage.tool_calls + excluded.tool_calls,
				    cost_usd = tenant_usage.cost_usd + excluded.cost_usd,
				    updated_at = now()
				""", tenants, promptTokens, completionTokens, llmCalls, toolCalls, costs);
	}

	/** Counts a newly accepted job; the caller makes sure it is called once per job. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void countJob(TenantId tenant) {
		jdbc.update("""
				insert into tenant_usage (tenant, jobs) values (?, 1)
				on conflict (tenant) do update set jobs = tenant_usage.jobs + 1, updated_at = now()
				""", tenant.value());
	}

	/** The tenant's totals; all zero (and no {@code updatedAt}) for a tenant nothing was recorded for. */
	public TenantUsage find(TenantId tenant) {
		return jdbc.query("""
				select prompt_tokens, completion_tokens, llm_calls, tool_calls, cost_usd, jobs, updated_at
				from tenant_usage where tenant = ?
				""", (rs, row) -> {
			Timestamp updatedAt = rs.getTimestamp("updated_at");
			return new TenantUsage(tenant,
					new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls"),
							rs.getLong("tool_calls"), Usd.canonical(rs.getBigDecimal("cost_usd"))),
					rs.getLong("jobs"), updatedAt == null ? null : updatedAt.toInstant());
		}, tenant.value()).stream().findFirst().orElseGet(() -> new TenantUsage(tenant, Usage.NONE, 0, null));
	}
}
