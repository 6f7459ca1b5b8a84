package io.colony.worker.credentials;

/**
 * The credential service refused the message itself, not the access asked for: a bad or stale signature, a replayed
 * nonce, a conflicting request, malformed fields. Retrying the same message does not help.
 */
public final class CredentialRequestRejected extends CredentialFailure {

	private final String problem;

	CredentialRequestRejected(int status, String problem, String detail) {
		super("credential request rejected by the credential service (" + status + " " + problem + ")"
				+ (detail == null || detail.isBlank() ? "" : ": " + detail));
		this.problem = problem;
	}

	/** The problem's slug, e.g. {@code bad-signature}. */
	public String problem() {
		return problem;
	}
}
