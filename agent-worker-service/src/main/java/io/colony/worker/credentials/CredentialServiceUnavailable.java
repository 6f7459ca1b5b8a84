package io.colony.worker.credentials;

/** The credential service could not be reached, did not answer in time, or failed (5xx); worth retrying later. */
public final class CredentialServiceUnavailable extends CredentialFailure {

	CredentialServiceUnavailable(String what) {
		super("credential service unavailable: " + what);
	}
}
