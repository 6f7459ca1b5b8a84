package io.colony.credentials.signature;

import io.colony.contracts.TenantId;

/**
 * An agent's message refused for what it is rather than for the state it meets: a bad or stale signature, a replayed
 * nonce, a request id reused for other content, a claim or renewal by an agent that does not hold the request or
 * lease. {@link SignedMessages} writes each into the audit log as a {@code rejected} entry.
 */
public abstract class RefusedMessage extends RuntimeException {

	private final String slug;

	private final TenantId tenant;

	/**
	 * @param slug what went wrong, as the problem type and the audit entry's {@code reason} name it
	 * @param tenant the tenant whose request or lease was aimed at, when known; {@code null} otherwise
	 */
	protected RefusedMessage(String slug, String message, TenantId tenant) {
		super(message);
		this.slug = slug;
		this.tenant = tenant;
	}

	public String slug() {
		return slug;
	}

	public TenantId tenant() {
		return tenant;
	}
}
