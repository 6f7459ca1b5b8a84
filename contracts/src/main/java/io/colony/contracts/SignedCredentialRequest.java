package io.colony.contracts;

/** Body of {@code POST /api/v1/credentials/requests}: a request and the agent's signature over it. */
public record SignedCredentialRequest(CredentialRequest request, AgentSignature signature) {
}
