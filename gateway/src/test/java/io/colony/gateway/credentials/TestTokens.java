package io.colony.gateway.credentials;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Tokens signed with the local issuer's key file, as the gateway's own token endpoint would mint them. */
public final class TestTokens {

	public static final String ISSUER = "http://127.0.0.1:8080/local-issuer";

	private final RSAKey key;

	private TestTokens(RSAKey key) {
		this.key = key;
	}

	/** @param keyFile the file named by {@code colony.gateway.local-issuer.key-file}, once the gateway created it */
	public static TestTokens fromKeyFile(Path keyFile) {
		try {
			return new TestTokens(RSAKey.parse(Files.readString(keyFile)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String token(String tenant, String scope) {
		return token(tenant, scope, Instant.now().plusSeconds(600));
	}

	public String token(String tenant, String scope, Instant expiresAt) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject("operator-" + tenant)
			.claim("tenant", tenant)
			.claim("scope", scope)
			.issueTime(Date.from(Instant.now().minusSeconds(5)))
			.expirationTime(Date.from(expiresAt))
			.jwtID(UUID.randomUUID().toString())
			.build();
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}
}
