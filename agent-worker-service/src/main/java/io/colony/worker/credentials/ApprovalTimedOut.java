package io.colony.worker.credentials;

/** Nobody decided a request that needed a person's approval in time (the service's timeout, or this worker's). */
public final class ApprovalTimedOut extends CredentialFailure {

	ApprovalTimedOut(String reason) {
		super("credential request timed out: " + (reason == null || reason.isBlank() ? "nobody decided it" : reason));
	}
}
