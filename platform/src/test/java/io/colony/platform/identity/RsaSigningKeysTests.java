package io.colony.platform.identity;

import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RsaSigningKeysTests {

	@TempDir
	Path dir;

	@Test
	void createsTheKeyFileOnceAndReloadsTheSameKey() throws Exception {
		Path file = dir.resolve("keys/issuer.jwk");

		RSAKey created = RsaSigningKeys.loadOrCreate(file);
		RSAKey reloaded = RsaSigningKeys.loadOrCreate(file);

		assertThat(file).exists();
		assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
		assertThat(reloaded.getKeyID()).isEqualTo(created.getKeyID());
		assertThat(reloaded.toRSAPublicKey()).isEqualTo(created.toRSAPublicKey());
		assertThat(reloaded.isPrivate()).isTrue();
	}

	@Test
	void readsAPkcs8PemPrivateKey() throws Exception {
		RSAKey key = RsaSigningKeys.generate();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.toPrivateKey().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Path file = dir.resolve("issuer.pem");
		Files.writeString(file, pem);

		RSAKey loaded = RsaSigningKeys.load(file);

		assertThat(loaded.toRSAPublicKey()).isEqualTo(key.toRSAPublicKey());
		assertThat(loaded.getKeyID()).isEqualTo(key.getKeyID());
	}

	@Test
	void refusesAFileWithoutAPrivateKey() throws Exception {
		Path file = dir.resolve("public.jwk");
		Files.writeString(file, RsaSigningKeys.generate().toPublicJWK().toJSONString());

		assertThatThrownBy(() -> RsaSigningKeys.load(file)).hasMessageContaining("private");
	}
}
