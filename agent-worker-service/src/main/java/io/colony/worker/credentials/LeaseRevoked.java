package io.colony.worker.credentials;

import io.colony.contracts.LeaseId;

/** An operator revoked the lease: its token is not sent again. */
public final class LeaseRevoked extends CredentialFailure {

	LeaseRevoked(LeaseId leaseId, String reason) {
		super("credential revoked: lease " + leaseId + " was revoked"
				+ (reason == null || reason.isBlank() ? "" : " (" + reason + ")") + " and its token was not used");
	}
}
