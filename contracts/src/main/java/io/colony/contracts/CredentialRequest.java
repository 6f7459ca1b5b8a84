package io.colony.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an agent asks the credential service for: a credential with {@code scope} for {@code resource} (the
 * token's audience), for about {@code ttl}, while it runs {@code taskId}. Sent signed ({@link SignedCredentialRequest}).
 *
 * @param requestId made up by the agent; the same id with the same content is the same request (a retry)
 * @param scope scope tokens such as {@code inventory:write}; the grant never holds more
 * @param ttl the lifetime wanted; policy and the approver may shorten it, never lengthen it
 * @param justification why, in the agent's words, shown to the approver
 * @param nonce unique per signed message, so that a captured message cannot be sent again
 * @param signedAt when the agent signed; the service refuses messages signed too long ago or in the future
 */
public record CredentialRequest(CredentialRequestId requestId, AgentId agentId, TenantId tenant, JobId jobId,
		TaskId taskId, String resource, List<String> scope, Duration ttl, String justification, String nonce,
		Instant signedAt) {
}
