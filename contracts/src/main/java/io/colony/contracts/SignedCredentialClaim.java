package io.colony.contracts;

/** Body of {@code POST /api/v1/credentials/requests/{id}/claim}. */
public record SignedCredentialClaim(CredentialClaim claim, AgentSignature signature) {
}
