package io.colony.platform.identity;

import io.colony.contracts.AgentKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentKeysTests {

	@TempDir
	Path directory;

	@Test
	void theKeyIdIsTheStartOfTheSha256OfThePublicKey() throws Exception {
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		byte[] encoded = key.keyPair().getPublic().getEncoded();

		assertThat(key.keyId()).hasSize(16)
			.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded)).substring(0, 16));
		AgentKey announced = key.publicKey();
		assertThat(announced.algorithm()).isEqualTo("Ed25519");
		assertThat(Base64.getDecoder().decode(announced.publicKey())).isEqualTo(encoded);
		assertThat(AgentKeys.publicKeyOf(announced)).isEqualTo(key.keyPair().getPublic());
		assertThat(AgentKeys.generate(Instant.now()).keyId()).isNotEqualTo(key.keyId());
	}

	@Test
	void aSavedKeyLoadsBackWithItsPublicHalfAndOnlyItsOwnerCanReadIt() throws Exception {
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		Path file = directory.resolve("nested/dir/agent.pem");

		AgentKeys.save(key, file);
		AgentKeyPair loaded = AgentKeys.load(file);

		assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n")
			.endsWith("-----END PRIVATE KEY-----\n");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(loaded.keyId()).isEqualTo(key.keyId());
		assertThat(loaded.keyPair().getPublic().getEncoded()).isEqualTo(key.keyPair().getPublic().getEncoded());
		assertThat(loaded.keyPair().getPrivate().getEncoded()).isEqualTo(key.keyPair().getPrivate().getEncoded());
	}

	@Test
	void loadOrCreateKeepsTheSameKeyAcrossRestarts() throws Exception {
		Path file = directory.resolve("worker.pem");

		AgentKeyPair first = AgentKeys.loadOrCreate(file, Instant.now());
		AgentKeyPair second = AgentKeys.loadOrCreate(file, Instant.now());

		assertThat(second.keyId()).isEqualTo(first.keyId());
	}

	@Test
	void whatIsNotAnEd25519KeyIsRejectedWithoutEchoingIt() throws Exception {
		Path file = directory.resolve("junk.pem");
		Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

		assertThatThrownBy(() -> AgentKeys.load(file)).isInstanceOf(InvalidAgentKey.class);
		assertThatThrownBy(() -> AgentKeys.publicKeyOf(new AgentKey("k", "Ed25519", "%%%", Instant.now(), null)))
			.isInstanceOf(InvalidAgentKey.class)
			.hasMessageNotContaining("%%%");
		assertThatThrownBy(() -> AgentKeys.publicKeyOf(new AgentKey("k", "RSA", "AAAA", Instant.now(), null)))
			.isInstanceOf(InvalidAgentKey.class);
	}
}
