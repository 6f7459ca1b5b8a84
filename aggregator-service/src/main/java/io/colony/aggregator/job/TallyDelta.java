package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

/**
 * What one batch of newly recorded results adds to one job's row: final results to its counters, and what
 * every new attempt (final or not) consumed to its usage.
 */
public record TallyDelta(JobId jobId, TenantId tenant, int succeeded, int failed, Usage usage) {

	public static TallyDelta counted(JobId jobId, TenantId tenant, boolean succeeded) {
		return new TallyDelta(jobId, tenant, succeeded ? 1 : 0, succeeded ? 0 : 1, Usage.NONE);
	}

	public static TallyDelta spent(JobId jobId, TenantId tenant, Usage usage) {
		return new TallyDelta(jobId, tenant, 0, 0, usage);
	}

	public TallyDelta plus(TallyDelta other) {
		return new TallyDelta(jobId, tenant == null ? other.tenant : tenant, succeeded + other.succeeded,
				failed + other.failed, usage.plus(other.usage));
	}
}
