package io.colony.credentials.security;

import io.colony.contracts.TenantId;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A person acting through an operator token: its subject (recorded as who decided or revoked) and the tenant from
 * its {@code tenant} claim, the only tenant whose requests and leases it sees.
 */
public record Operator(String subject, TenantId tenant) {

	public static final String TENANT_CLAIM = "tenant";

	/** @throws NoTenant when the token has no usable {@code tenant} claim */
	public static Operator of(Jwt jwt) {
		Object claim = jwt.getClaims().get(TENANT_CLAIM);
		if (!(claim instanceof String tenant) || tenant.isBlank() || tenant.length() > 200) {
			throw new NoTenant("the token carries no usable 'tenant' claim");
		}
		String subject = jwt.getSubject() == null || jwt.getSubject().isBlank() ? "unknown-operator" : jwt.getSubject();
		return new Operator(subject.length() > 300 ? subject.substring(0, 300) : subject, TenantId.of(tenant));
	}
}
