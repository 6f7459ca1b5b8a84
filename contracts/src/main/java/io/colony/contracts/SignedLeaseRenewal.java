package io.colony.contracts;

/** Body of {@code POST /api/v1/credentials/leases/{id}/renew}. */
public record SignedLeaseRenewal(LeaseRenewal renewal, AgentSignature signature) {
}
