package io.colony.credentials.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AuditSigningKeyTests {

	private static AuditProperties keyAt(Path file) {
		return new AuditProperties(file, Duration.ofSeconds(5), 1000, Duration.ofSeconds(5), 1000);
	}

	@Test
	void aKeyFileIsCreatedOnceAndSignsAgainAfterARestart(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("keys/audit.pem");
		AuditSigningKey first = new AuditSigningKey(keyAt(file), Clock.systemUTC());
		AuditSigningKey restarted = new AuditSigningKey(keyAt(file), Clock.systemUTC());

		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(restarted.publicKey().keyId()).isEqualTo(first.publicKey().keyId());
		AuditCheckpoint checkpoint = first.sign(3, "ab".repeat(32), Instant.now().truncatedTo(ChronoUnit.MICROS));
		assertThat(checkpoint.signedBy(restarted.publicKey())).isTrue();
	}

	@Test
	void withoutAKeyFileEachProcessHasItsOwnKey() {
		AuditSigningKey one = new AuditSigningKey(keyAt(null), Clock.systemUTC());
		AuditSigningKey other = new AuditSigningKey(keyAt(null), Clock.systemUTC());

		assertThat(one.publicKey().keyId()).isNotEqualTo(other.publicKey().keyId());
		AuditCheckpoint checkpoint = one.sign(3, "ab".repeat(32), Instant.now().truncatedTo(ChronoUnit.MICROS));
		assertThat(checkpoint.signedBy(one.publicKey())).isTrue();
		assertThat(checkpoint.signedBy(other.publicKey())).isFalse();
	}

	@Test
	void aCheckpointChangedInAnyFieldNoLongerVerifies() {
		AuditSigningKey key = new AuditSigningKey(keyAt(null), Clock.systemUTC());
		AuditCheckpoint checkpoint = key.sign(3, "ab".repeat(32), Instant.parse("2026-01-02T03:04:05.000001Z"));

		assertThat(new AuditCheckpoint(4, checkpoint.hash(), checkpoint.signedAt(), checkpoint.keyId(),
				checkpoint.signature()).signedBy(key.publicKey())).isFalse();
		assertThat(new AuditCheckpoint(3, "ac".repeat(32), checkpoint.signedAt(), checkpoint.keyId(),
				checkpoint.signature()).signedBy(key.publicKey())).isFalse();
		assertThat(new AuditCheckpoint(3, checkpoint.hash(), checkpoint.signedAt().plusNanos(1000), checkpoint.keyId(),
				checkpoint.signature()).signedBy(key.publicKey())).isFalse();
		assertThat(new AuditCheckpoint(3, checkpoint.hash(), checkpoint.signedAt(), checkpoint.keyId(), "not base64!")
			.signedBy(key.publicKey())).isFalse();
	}
}
