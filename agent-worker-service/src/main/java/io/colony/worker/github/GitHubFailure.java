package io.colony.worker.github;

/**
 * GitHub refused or failed a call of the review workflow. The reason is safe to publish: a status and GitHub's own
 * short message, never a token or a response body beyond that.
 *
 * @see #retryable()
 */
final class GitHubFailure extends RuntimeException {

	private final boolean retryable;

	GitHubFailure(String reason, boolean retryable) {
		super(reason, null, false, false);
		this.retryable = retryable;
	}

	/** A 5xx, 429 or timeout may pass; a 401, 403, 404 or 422 will not. */
	boolean retryable() {
		return retryable;
	}
}
