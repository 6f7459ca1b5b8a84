package io.colony.gateway.security.issuer;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.TenantId;
import io.colony.platform.identity.RsaSigningKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalIssuerTests {

	@Test
	void mintsSignedTokensWithTheDocumentedClaims() throws Exception {
		RSAKey key = RsaSigningKeys.generate();
		Instant now = Instant.parse("2030-01-01T00:00:00Z");
		LocalIssuer issuer = new LocalIssuer(key, "http://issuer.test", Clock.fixed(now, ZoneOffset.UTC));

		LocalIssuer.IssuedToken token = issuer.issue("colony-cli", TenantId.of("acme"), List.of("jobs:read"),
				Duration.ofMinutes(5));
		SignedJWT jwt = SignedJWT.parse(token.value());

		assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
		assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("http://issuer.test");
		assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("colony-cli");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("tenant")).isEqualTo("acme");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("jobs:read");
		assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(now);
		assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(now.plusSeconds(300));
		assertThat(jwt.getJWTClaimsSet().getJWTID()).isNotBlank();
		assertThat((List<?>) issuer.jwks().get("keys")).singleElement()
			.satisfies(jwk -> assertThat(((java.util.Map<?, ?>) jwk).keySet()).map(Object::toString).contains("n").doesNotContain("d"));
	}
}
