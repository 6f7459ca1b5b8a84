package io.colony.contracts;

import java.time.Instant;

/**
 * What one tenant has consumed over all its jobs, as the aggregator records it (every attempt of every task,
 * failed ones included). Served by the aggregator ({@code GET /internal/v1/usage}) and the gateway
 * ({@code GET /api/v1/usage}).
 *
 * @param jobs jobs accepted for the tenant
 * @param updatedAt when the totals last changed; {@code null} when nothing was recorded yet
 */
public record TenantUsage(TenantId tenant, Usage usage, long jobs, Instant updatedAt) {

	public TenantUsage {
		usage = usage == null ? Usage.NONE : usage;
	}
}
