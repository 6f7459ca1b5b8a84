package io.colony.credentials.token;

import io.colony.platform.identity.RsaSigningKeys;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.AgentId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Mints the tokens leases hand out: RS256 JWTs with {@code iss}, {@code sub} (the agent), {@code aud} (the
 * resource), {@code scope} (space-separated), {@code iat}, {@code exp}, {@code jti} (the lease id), {@code tenant}
 * and {@code task}. A token is never stored or logged: it is minted when handed out and only its lease is kept.
 */
@Component
public class TokenMinter {

	/** What a token says; {@code expiresAt} is whole seconds, as {@code exp} carries it. */
	public record TokenClaims(LeaseId leaseId, AgentId agentId, TenantId tenant, TaskId taskId, String resource,
			List<String> scope, Instant issuedAt, Instant expiresAt) {
	}

	private final RSAKey key;

	private final RSASSASigner signer;

	private final String issuer;

	TokenMinter(TokenProperties properties) {
		this.key = RsaSigningKeys.of(properties.keyFile());
		this.issuer = properties.issuer();
		try {
			this.signer = new RSASSASigner(key);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("unusable token signing key", ex);
		}
	}

	public String mint(TokenClaims claims) {
		JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(issuer)
			.subject(claims.agentId().value())
			.audience(claims.resource())
			.claim("scope", String.join(" ", claims.scope()))
			.issueTime(Date.from(claims.issuedAt()))
			.expirationTime(Date.from(claims.expiresAt()))
			.jwtID(claims.leaseId().toString())
			.claim("tenant", claims.tenant().value());
		if (claims.taskId() != null) {
			set.claim("task", claims.taskId().toString());
		}
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				set.build());
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a token", ex);
		}
		return jwt.serialize();
	}

	/** The public half as a JWK Set document. */
	Map<String, Object> jwks() {
		return new JWKSet(key.toPublicJWK()).toJSONObject();
	}
}
