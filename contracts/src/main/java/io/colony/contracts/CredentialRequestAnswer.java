package io.colony.contracts;

/**
 * The credential service's answer to an agent's request (and to a retry of it).
 *
 * @param reason why it was denied or timed out, or what it waits for; {@code null} when granted
 * @param credential present only when {@code status} is {@code GRANTED} and the answer goes to the requesting agent
 */
public record CredentialRequestAnswer(CredentialRequestId requestId, CredentialRequestStatus status, String reason,
		IssuedCredential credential) {
}
