package io.colony.worker.credentials;

import io.colony.contracts.LeaseId;

import java.time.Instant;

/** The point-of-use check found the token expired: it is not sent. */
public final class CredentialExpired extends CredentialFailure {

	CredentialExpired(LeaseId leaseId, Instant expiresAt) {
		super("credential expired: the token of lease " + leaseId + " expired at " + expiresAt
				+ " and was not used; call again to request a new one");
	}
}
