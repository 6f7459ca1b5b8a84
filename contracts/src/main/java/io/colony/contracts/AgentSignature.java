package io.colony.contracts;

/**
 * An agent's Ed25519 signature over the canonical encoding of a payload it sends (a credential request, claim or
 * renewal; see the platform's {@code AgentSignatures}).
 *
 * @param keyId which of the agent's keys signed ({@link AgentKey#keyId()})
 * @param value base64 of the 64-byte signature
 */
public record AgentSignature(String keyId, String value) {
}
