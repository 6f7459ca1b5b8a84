package io.colony.worker.credentials;

/** The credential service says the lease has ended (revoked or expired) when the worker claimed or renewed it. */
public final class LeaseEnded extends CredentialFailure {

	LeaseEnded(String detail) {
		super("credential lease ended: " + (detail == null || detail.isBlank() ? "it was revoked or has expired" : detail));
	}
}
