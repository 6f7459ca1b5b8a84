package io.colony.credentials.lease;

import io.colony.contracts.LeaseId;

/** An operator asked to revoke a lease that already expired: there is nothing left to revoke. */
public class LeaseNotRevocable extends RuntimeException {

	LeaseNotRevocable(LeaseId leaseId) {
		super("lease " + leaseId + " has already expired");
	}
}
