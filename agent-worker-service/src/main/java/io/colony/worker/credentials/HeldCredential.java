package io.colony.worker.credentials;

import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseId;

import java.time.Instant;
import java.util.List;

/**
 * A credential this worker holds for one task's need. Its token is reachable only through
 * {@link Credentials#beforeUse}, which checks it first; once its lease is revoked the token is dropped (and the
 * holder refused at its next use). {@link #toString()} never shows the token.
 */
public final class HeldCredential {

	private final CredentialNeed need;

	/** The issued credential; its token is {@code null} once dropped. */
	private final IssuedCredential credential;

	HeldCredential(CredentialNeed need, IssuedCredential credential) {
		this.need = need;
		this.credential = credential;
	}

	public LeaseId leaseId() {
		return credential.leaseId();
	}

	/** When the token expires; it is not sent from this instant on. */
	public Instant expiresAt() {
		return credential.expiresAt();
	}

	/** The lease's hard limit: no renewal reaches past it. */
	public Instant maxExpiresAt() {
		return credential.maxExpiresAt();
	}

	/** What the token allows (what was granted, which may be less than what was asked). */
	public List<String> scope() {
		return credential.scope() == null ? List.of() : credential.scope();
	}

	CredentialNeed need() {
		return need;
	}

	String token() {
		return credential.token();
	}

	boolean tokenDropped() {
		return credential.token() == null;
	}

	/** Whether a renewal could move {@link #expiresAt()} later. */
	boolean renewable() {
		return maxExpiresAt() == null || expiresAt().isBefore(maxExpiresAt());
	}

	HeldCredential withoutToken() {
		IssuedCredential c = credential;
		return new HeldCredential(need, new IssuedCredential(c.leaseId(), c.requestId(), c.tokenType(), null, c.scope(),
				c.audience(), c.expiresAt(), c.maxExpiresAt()));
	}

	@Override
	public String toString() {
		return "HeldCredential[lease=" + leaseId() + ", task=" + need.taskId() + ", resource=" + need.resource()
				+ ", scope=" + scope() + ", expiresAt=" + expiresAt() + (tokenDropped() ? ", token dropped" : "") + "]";
	}
}
