package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A credential handed to the agent that asked for it, in an HTTP response to that agent only: never in a message
 * on the broker, never in a log. {@link #toString()} leaves the token out so that logging the record is safe.
 *
 * @param tokenType {@code Bearer}
 * @param token a signed JWT ({@code exp}, {@code scope}, {@code aud}, {@code jti} = the lease id)
 * @param scope what the token allows: within what was approved, within policy
 * @param audience the resource the token is for
 * @param expiresAt the token's {@code exp}
 * @param maxExpiresAt the lease's hard limit: no renewal reaches past it
 */
public record IssuedCredential(LeaseId leaseId, CredentialRequestId requestId, String tokenType, String token,
		List<String> scope, String audience, Instant expiresAt, Instant maxExpiresAt) {

	@Override
	public String toString() {
		return "IssuedCredential[leaseId=" + leaseId + ", requestId=" + requestId + ", tokenType=" + tokenType
				+ ", token=(redacted), scope=" + scope + ", audience=" + audience + ", expiresAt=" + expiresAt
				+ ", maxExpiresAt=" + maxExpiresAt + "]";
	}
}
