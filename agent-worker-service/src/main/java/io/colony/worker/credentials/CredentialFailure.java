package io.colony.worker.credentials;

/**
 * A credential could not be had or used. The message is what the agent's model reads as the tool's error, so it
 * says what happened in a sentence and never carries a token.
 */
public abstract sealed class CredentialFailure extends RuntimeException permits CredentialDenied, ApprovalTimedOut,
		CredentialExpired, LeaseRevoked, LeaseEnded, MaxLifetimeReached, CredentialRequestRejected,
		CredentialServiceUnavailable {

	CredentialFailure(String message) {
		super(message, null, false, false);
	}
}
