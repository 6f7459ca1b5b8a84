package io.colony.gateway.security;

import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;

/** The tenant a request acts for: the token's {@code tenant} claim, or its subject when it has none. */
public final class Tenants {

	public static final String TENANT_CLAIM = "tenant";

	private Tenants() {
	}

	/** @throws ProblemException 403 when the token names no usable tenant */
	public static TenantId of(Jwt jwt) {
		if (jwt == null) {
			throw new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid bearer token is required");
		}
		Object claim = jwt.getClaims().get(TENANT_CLAIM);
		String value = claim instanceof String text && !text.isBlank() ? text : jwt.getSubject();
		try {
			return TenantId.of(value);
		}
		catch (IllegalArgumentException ex) {
			throw new ProblemException(HttpStatus.FORBIDDEN, "no-tenant",
					"the token carries no usable tenant (claim 'tenant' or 'sub'): " + ex.getMessage());
		}
	}
}
