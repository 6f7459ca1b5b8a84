package io.colony.worker.llm.pressure;

import java.time.Instant;

/**
 * Permission for one call from {@link FleetRateLimiter#acquire}. Pass it back to
 * {@link FleetRateLimiter#settle} with the tokens the call really used, or to {@link FleetRateLimiter#release}
 * when the call was never sent.
 *
 * @param id the grant's entry in Redis; {@code null} when nothing was recorded there (the provider has no rate
 * limit, or Redis was unreachable and calls are allowed through)
 * @param estimatedTokens the tokens charged for it, after capping at the per-window token limit
 * @param grantedAt when it was granted, by Redis' clock when recorded there
 */
public record RateGrant(String provider, String id, long estimatedTokens, Instant grantedAt) {

	boolean recorded() {
		return id != null;
	}
}
