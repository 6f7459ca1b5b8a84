package io.colony.contracts;

import java.time.Instant;

/**
 * The requesting agent collects the credential of a granted request (after a person approved it). Only the agent
 * that made the request can claim; each claim is signed afresh ({@link SignedCredentialClaim}).
 */
public record CredentialClaim(CredentialRequestId requestId, AgentId agentId, String nonce, Instant signedAt) {
}
