package io.colony.contracts;

/**
 * An agent's Ed25519 signature over the canonical encoding of a {@link TaskResult} (the result with its
 * signature left out; see the platform's {@code ResultSigning}).
 *
 * @param keyId which of the agent's keys signed ({@link AgentKey#keyId()})
 * @param value base64 of the 64-byte signature
 */
public record ResultSignature(String keyId, String value) {
}
