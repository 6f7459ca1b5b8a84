package io.colony.credentials.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The audit log's checkpoints and verification.
 *
 * @param keyFile where the Ed25519 key that signs checkpoints is kept (PKCS#8 PEM, mode 0600), created when
 *     missing. Unset: a new key per process, in memory only; its public half is still recorded in
 *     {@code audit_key}, so its checkpoints stay verifiable after the process is gone.
 * @param checkpointInterval how often the head of the log is signed, when entries were added since the last
 *     checkpoint
 * @param checkpointEvery also sign as soon as an entry whose seq is a multiple of this was committed, so that a
 *     burst of entries is not left unsigned until the next interval; 0 for time only
 * @param headLockTimeout how long an append waits for the chain's head (held by another transaction that
 *     appended and has not committed yet) before it fails, failing the caller closed rather than hanging
 * @param verifyPageSize how many entries verification reads at a time; it never holds more
 */
@ConfigurationProperties("colony.credentials.audit")
record AuditProperties(Path keyFile, @DefaultValue("PT5S") Duration checkpointInterval,
		@DefaultValue("1000") int checkpointEvery, @DefaultValue("PT5S") Duration headLockTimeout,
		@DefaultValue("1000") int verifyPageSize) {

	AuditProperties {
		if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
			throw new IllegalArgumentException(
					"colony.credentials.audit.checkpoint-interval must be positive, was " + checkpointInterval);
		}
		if (checkpointEvery < 0) {
			throw new IllegalArgumentException(
					"colony.credentials.audit.checkpoint-every must be 0 (off) or more, was " + checkpointEvery);
		}
		if (headLockTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
			// JDBC query timeouts count whole seconds
			throw new IllegalArgumentException(
					"colony.credentials.audit.head-lock-timeout must be at least PT1S, was " + headLockTimeout);
		}
		if (verifyPageSize < 1 || verifyPageSize > 10_000) {
			throw new IllegalArgumentException(
					"colony.credentials.audit.verify-page-size must be 1..10000, was " + verifyPageSize);
		}
	}

	/** {@link #headLockTimeout} in the whole seconds a JDBC query timeout takes, rounded up. */
	int headLockTimeoutSeconds() {
		long millis = headLockTimeout.toMillis();
		return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
	}
}
