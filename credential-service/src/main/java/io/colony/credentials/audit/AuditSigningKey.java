package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;

/**
 * The Ed25519 key this process signs checkpoints with: loaded from (or created at)
 * {@code colony.credentials.audit.key-file}, or made for this process alone when that is unset.
 */
@Component
class AuditSigningKey {

	private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);

	private final AgentKeyPair key;

	AuditSigningKey(AuditProperties properties, Clock clock) {
		if (properties.keyFile() == null) {
			this.key = AgentKeys.generate(clock.instant());
			log.info("signing audit checkpoints with key {}, made for this process (set colony.credentials.audit"
					+ ".key-file to keep one)", key.keyId());
		}
		else {
			try {
				this.key = AgentKeys.loadOrCreate(properties.keyFile(), clock.instant());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(
						"cannot read or create the audit signing key file " + properties.keyFile(), ex);
			}
			log.info("signing audit checkpoints with key {} from {}", key.keyId(), properties.keyFile());
		}
	}

	AuditCheckpoint sign(long seq, String hash, Instant signedAt) {
		return AuditCheckpoint.sign(seq, hash, signedAt, key);
	}

	/** The public half, as {@code audit_key} keeps it. */
	AgentKey publicKey() {
		return key.publicKey();
	}
}
