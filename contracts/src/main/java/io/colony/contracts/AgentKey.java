package io.colony.contracts;

import java.time.Instant;

/**
 * A public key an agent instance signs its results with.
 *
 * @param keyId unique per agent: the first 16 hex characters of SHA-256 over the encoded public key
 * @param algorithm {@code Ed25519}
 * @param publicKey base64 of the X.509 (SubjectPublicKeyInfo) encoding
 * @param createdAt when the worker made it
 * @param revokedAt when an operator revoked it (as the registry serves it); {@code null} while valid
 */
public record AgentKey(String keyId, String algorithm, String publicKey, Instant createdAt, Instant revokedAt) {

	public static final String ED25519 = "Ed25519";

	public boolean revoked() {
		return revokedAt != null;
	}
}
