package io.colony.worker.credentials;

/** Policy or a person denied the request. */
public final class CredentialDenied extends CredentialFailure {

	CredentialDenied(String reason) {
		super("credential denied: " + (reason == null || reason.isBlank() ? "no reason given" : reason));
	}
}
