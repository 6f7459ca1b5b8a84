package io.colony.worker.credentials;

/** A renewal was refused because the lease is at its maximum lifetime; only a new request gets a new lease. */
public final class MaxLifetimeReached extends CredentialFailure {

	MaxLifetimeReached(String detail) {
		super("credential lease is at its maximum lifetime: " + (detail == null || detail.isBlank() ? "no renewal" : detail));
	}
}
