package io.colony.gateway.security.issuer;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalIssuerKeysTests {

	@TempDir
	Path dir;

	@Test
	void createsTheKeyFileOnceAndReloadsTheSameKey() throws Exception {
		Path file = dir.resolve("keys/issuer.jwk");

		RSAKey created = LocalIssuerKeys.loadOrCreate(file);
		RSAKey reloaded = LocalIssuerKeys.loadOrCreate(file);

		assertThat(file).exists();
		assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
		assertThat(reloaded.getKeyID()).isEqualTo(created.getKeyID());
		assertThat(reloaded.toRSAPublicKey()).isEqualTo(created.toRSAPublicKey());
		assertThat(reloaded.isPrivate()).isTrue();
	}

	@Test
	void readsAPkcs8PemPrivateKey() throws Exception {
		RSAKey key = LocalIssuerKeys.generate();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.toPrivateKey().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Path file = dir.resolve("issuer.pem");
		Files.writeString(file, pem);

		RSAKey loaded = LocalIssuerKeys.load(file);

		assertThat(loaded.toRSAPublicKey()).isEqualTo(key.toRSAPublicKey());
		assertThat(loaded.getKeyID()).isEqualTo(key.getKeyID());
	}

	@Test
	void refusesAFileWithoutAPrivateKey() throws Exception {
		Path file = dir.resolve("public.jwk");
		Files.writeString(file, LocalIssuerKeys.generate().toPublicJWK().toJSONString());

		assertThatThrownBy(() -> LocalIssuerKeys.load(file)).hasMessageContaining("private");
	}

	@Test
	void mintsSignedTokensWithTheDocumentedClaims() throws Exception {
		RSAKey key = LocalIssuerKeys.generate();
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
