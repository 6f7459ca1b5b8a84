package io.colony.platform.identity;

import io.colony.contracts.AgentKey;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One of an agent's Ed25519 key pairs, with the id its signatures name.
 *
 * @param keyId {@link AgentKeys#keyIdOf} of the public key
 */
public record AgentKeyPair(String keyId, KeyPair keyPair, Instant createdAt) {

	public AgentKeyPair {
		Objects.requireNonNull(keyId, "keyId");
		Objects.requireNonNull(keyPair, "keyPair");
		Objects.requireNonNull(createdAt, "createdAt");
	}

	/** The public half, as heartbeats announce it and the registry serves it. */
	public AgentKey publicKey() {
		return new AgentKey(keyId, AgentKey.ED25519,
				Base64.getEncoder().encodeToString(keyPair.getPublic().getEncoded()), createdAt, null);
	}

	@Override
	public String toString() {
		return "AgentKeyPair[keyId=" + keyId + ", createdAt=" + createdAt + "]";
	}
}
