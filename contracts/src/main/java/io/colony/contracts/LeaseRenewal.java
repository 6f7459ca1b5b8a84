package io.colony.contracts;

import java.time.Instant;

/** The lease holder asks for a fresh token of the same lease; never past the lease's hard maximum lifetime. */
public record LeaseRenewal(LeaseId leaseId, AgentId agentId, String nonce, Instant signedAt) {
}
