package io.colony.credentials.signature;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;

import java.time.Instant;

/**
 * What {@link SignedMessages} needs of an agent's signed message, whatever its kind.
 *
 * @param kind {@code request}, {@code claim} or {@code renewal}, for the audit log
 * @param tenant the tenant the message names ({@code null} when it names none: claims and renewals)
 * @param payload the signed record, as decoded
 */
public record SignedMessage(String kind, AgentId agentId, TenantId tenant, CredentialRequestId requestId,
		LeaseId leaseId, Object payload, AgentSignature signature, String nonce, Instant signedAt) {
}
