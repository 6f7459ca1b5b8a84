package io.colony.credentials.lease;

import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseStatus;

/** The lease was revoked, or expired (its hard limit, or its token's expiry without renewal, passed). */
public class LeaseEnded extends RuntimeException {

	LeaseEnded(LeaseId leaseId, LeaseStatus status) {
		super("lease " + leaseId + " has ended: " + status);
	}
}
