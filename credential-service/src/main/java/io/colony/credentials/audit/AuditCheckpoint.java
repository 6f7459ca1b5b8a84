package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentSignatures;
import io.colony.platform.identity.InvalidAgentKey;

import java.time.Instant;

/**
 * A signed statement that entry {@code seq} of the audit log has hash {@code hash}: since each hash covers every
 * entry before it, a checkpoint vouches for the whole log up to {@code seq}. Whoever holds the public key (served
 * at {@code /api/v1/credentials/audit/keys}) can check it without trusting the database.
 *
 * @param signature base64 Ed25519 signature by {@code keyId} over the canonical JSON of {@link Statement}
 */
public record AuditCheckpoint(long seq, String hash, Instant signedAt, String keyId, String signature) {

	/** Names the log, so that a signature made for anything else never passes for a checkpoint. */
	static final String LOG = "colony.credentials.audit";

	/** What is signed: {@code {"hash":..,"log":"colony.credentials.audit","seq":..,"signedAt":..}}. */
	record Statement(String log, long seq, String hash, Instant signedAt) {
	}

	static AuditCheckpoint sign(long seq, String hash, Instant signedAt, AgentKeyPair key) {
		AgentSignature signature = AgentSignatures.sign(new Statement(LOG, seq, hash, signedAt), key);
		return new AuditCheckpoint(seq, hash, signedAt, signature.keyId(), signature.value());
	}

	/** Whether {@code key} made this checkpoint's signature over its seq, hash and time; a malformed key does not. */
	boolean signedBy(AgentKey key) {
		try {
			return AgentSignatures.verify(new Statement(LOG, seq, hash, signedAt), new AgentSignature(keyId, signature),
					key);
		}
		catch (InvalidAgentKey ex) {
			return false;
		}
	}
}
