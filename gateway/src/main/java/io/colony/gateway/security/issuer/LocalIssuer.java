package io.colony.gateway.security.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.TenantId;

import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints RS256 access tokens for local runs: {@code iss}, {@code sub} (the client id), {@code tenant},
 * {@code scope} (space separated), {@code iat}, {@code exp}, {@code jti}. The resource server accepts exactly
 * these tokens while the issuer is enabled.
 */
public final class LocalIssuer {

	private final RSAKey key;

	private final String issuer;

	private final Clock clock;

	private final RSASSASigner signer;

	private final RSAPublicKey publicKey;

	LocalIssuer(RSAKey key, String issuer, Clock clock) {
		this.key = key;
		this.issuer = issuer;
		this.clock = clock;
		try {
			this.signer = new RSASSASigner(key);
			this.publicKey = key.toRSAPublicKey();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("unusable local issuer key", ex);
		}
	}

	public RSAPublicKey publicKey() {
		return publicKey;
	}

	public String issuer() {
		return issuer;
	}

	/** The public half as a JWK Set document. */
	Map<String, Object> jwks() {
		return new JWKSet(key.toPublicJWK()).toJSONObject();
	}

	record IssuedToken(String value, Duration expiresIn, List<String> scopes) {
	}

	IssuedToken issue(String clientId, TenantId tenant, List<String> scopes, Duration ttl) {
		Instant now = clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer)
			.subject(clientId)
			.claim("tenant", tenant.value())
			.claim("scope", String.join(" ", scopes))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(ttl)))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a token", ex);
		}
		return new IssuedToken(jwt.serialize(), ttl, scopes);
	}
}
