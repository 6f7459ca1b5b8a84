package io.colony.credentials.lease;

import io.colony.contracts.LeaseId;

/** No such lease (or not one of the caller's tenant: the two are not told apart). */
public class LeaseNotFound extends RuntimeException {

	LeaseNotFound(String leaseId) {
		super("no lease " + leaseId);
	}

	LeaseNotFound(LeaseId leaseId) {
		this(leaseId.toString());
	}
}
