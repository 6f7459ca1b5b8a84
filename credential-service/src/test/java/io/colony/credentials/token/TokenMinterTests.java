package io.colony.credentials.token;

import io.colony.platform.identity.RsaSigningKeys;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.AgentId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TokenMinterTests {

	@TempDir
	Path directory;

	@Test
	void tokenCarriesTheLeaseAndVerifiesWithThePublishedKey() throws Exception {
		TokenMinter minter = new TokenMinter(new TokenProperties(null, null));
		LeaseId leaseId = LeaseId.random();
		TaskId taskId = TaskId.random();
		Instant issuedAt = Instant.parse("2026-03-01T10:00:00Z");
		Instant expiresAt = issuedAt.plusSeconds(300);

		String token = minter.mint(new TokenMinter.TokenClaims(leaseId, AgentId.of("worker-1"), TenantId.of("acme"),
				taskId, "inventory", List.of("inventory:read", "inventory:write"), issuedAt, expiresAt));

		SignedJWT jwt = SignedJWT.parse(token);
		RSAKey published = (RSAKey) JWKSet.parse(minter.jwks()).getKeys().getFirst();
		assertThat(published.isPrivate()).as("the JWK set holds the public half only").isFalse();
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(published.getKeyID());
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getIssuer()).isEqualTo("colony-credentials");
		assertThat(claims.getSubject()).isEqualTo("worker-1");
		assertThat(claims.getAudience()).containsExactly("inventory");
		assertThat(claims.getStringClaim("scope")).isEqualTo("inventory:read inventory:write");
		assertThat(claims.getJWTID()).isEqualTo(leaseId.toString());
		assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
		assertThat(claims.getStringClaim("task")).isEqualTo(taskId.toString());
		assertThat(claims.getIssueTime()).isEqualTo(Date.from(issuedAt));
		assertThat(claims.getExpirationTime()).isEqualTo(Date.from(expiresAt));
	}

	@Test
	void keyFileIsCreatedOwnerOnlyWhenMissingAndReusedAfterwards() throws Exception {
		Path file = directory.resolve("keys/credentials-token.jwk");

		TokenMinter first = new TokenMinter(new TokenProperties(file, null));
		TokenMinter second = new TokenMinter(new TokenProperties(file, null));

		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(second.jwks()).as("the same key, the same kid").isEqualTo(first.jwks());
		assertThat(new TokenMinter(new TokenProperties(null, null)).jwks()).as("no file: a key per process")
			.isNotEqualTo(first.jwks());
	}

	@Test
	void pkcs8PemKeyIsAccepted() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
		Path file = directory.resolve("token.pem");
		Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
				+ "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);

		RSAKey key = RsaSigningKeys.load(file);

		assertThat(key.isPrivate()).isTrue();
		assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
	}

	@Test
	void unusableKeyFileStopsTheStart() throws Exception {
		Path file = directory.resolve("garbage.key");
		Files.writeString(file, "not a key");

		assertThatIllegalStateException().isThrownBy(() -> RsaSigningKeys.load(file))
			.withMessageContaining("neither an RSA JWK nor a PKCS#8 PEM");
	}
}
