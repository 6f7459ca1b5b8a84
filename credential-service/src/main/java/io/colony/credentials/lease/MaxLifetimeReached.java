package io.colony.credentials.lease;

import io.colony.contracts.LeaseId;

import java.time.Instant;

/** A renewal of a lease whose token already lasts until the lease's hard limit. */
public class MaxLifetimeReached extends RuntimeException {

	MaxLifetimeReached(LeaseId leaseId, Instant maxExpiresAt) {
		super("lease " + leaseId + " cannot be renewed past its maximum lifetime, " + maxExpiresAt
				+ "; request a new credential");
	}
}
