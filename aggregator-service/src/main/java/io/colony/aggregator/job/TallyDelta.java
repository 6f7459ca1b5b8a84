package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

/** What one batch of newly recorded results adds to one job's counters. */
public record TallyDelta(JobId jobId, TenantId tenant, int succeeded, int failed, Usage usage) {

	public TallyDelta plus(TallyDelta other) {
		return new TallyDelta(jobId, tenant, succeeded + other.succeeded, failed + other.failed,
				usage.plus(other.usage));
	}
}
