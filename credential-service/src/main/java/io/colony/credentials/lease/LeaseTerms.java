package io.colony.credentials.lease;

import io.colony.credentials.policy.PolicyLimits;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a grant hands out: the scope, the token lifetime ({@code ttl}), when the first token expires and the hard
 * limit no renewal passes. Times are whole seconds, as a JWT's {@code exp} is, so that the lease and its tokens
 * agree to the second.
 *
 * <p>{@code ttl} = min(asked, approver's, policy's max-ttl); {@code maxExpiresAt} = issuedAt + policy's
 * max-lifetime; every token expires at min(its issue + ttl, maxExpiresAt).
 */
public record LeaseTerms(List<String> scope, Duration ttl, Instant issuedAt, Instant expiresAt, Instant maxExpiresAt) {

	public LeaseTerms {
		scope = List.copyOf(scope);
	}

	/**
	 * @param approverTtl the approver's ttl, or {@code null} when policy granted it or the approver kept the asked one
	 */
	public static LeaseTerms grant(List<String> scope, Duration askedTtl, Duration approverTtl, PolicyLimits limits,
			Instant now) {
		Duration ttl = min(askedTtl, limits.maxTtl());
		if (approverTtl != null) {
			ttl = min(ttl, approverTtl);
		}
		// a token never lives less than a second: ttls are whole seconds, rounded down, at least one
		ttl = Duration.ofSeconds(Math.max(1, ttl.toSeconds()));
		Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		Instant maxExpiresAt = issuedAt.plusSeconds(Math.max(1, limits.maxLifetime().toSeconds()));
		return new LeaseTerms(scope, ttl, issuedAt, earlier(issuedAt.plus(ttl), maxExpiresAt), maxExpiresAt);
	}

	/**
	 * When a token issued at {@code now} by a renewal expires: {@code ttl} from now, but never past
	 * {@link #maxExpiresAt}, and never earlier than the current expiry (a renewal does not shorten a lease).
	 */
	public static Instant renewedExpiry(Duration ttl, Instant currentExpiry, Instant maxExpiresAt, Instant now) {
		Instant renewed = earlier(now.truncatedTo(ChronoUnit.SECONDS).plus(ttl), maxExpiresAt);
		return renewed.isAfter(currentExpiry) ? renewed : currentExpiry;
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private static Instant earlier(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}
}
