package io.colony.credentials.testing;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialClaim;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseRenewal;
import io.colony.contracts.SignedCredentialClaim;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.SignedLeaseRenewal;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.AgentSignatures;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A worker as the credential service sees it: an agent id, a key pair, and signed requests, claims and renewals
 * with a fresh nonce each and {@code signedAt} from the service's (test) clock.
 */
public final class TestAgent {

	private final AgentId agentId;

	private final AgentKeyPair key;

	private final Clock clock;

	public TestAgent(AgentId agentId, Clock clock) {
		this(agentId, AgentKeys.generate(clock.instant()), clock);
	}

	private TestAgent(AgentId agentId, AgentKeyPair key, Clock clock) {
		this.agentId = agentId;
		this.key = key;
		this.clock = clock;
	}

	public AgentId agentId() {
		return agentId;
	}

	public AgentKeyPair key() {
		return key;
	}

	/** The same agent with another key (one the registry may not list). */
	public TestAgent withNewKey() {
		return new TestAgent(agentId, AgentKeys.generate(clock.instant()), clock);
	}

	/** Another agent using this one's key, i.e. a message signed with a key that is not the named agent's. */
	public TestAgent impersonating(AgentId other) {
		return new TestAgent(other, key, clock);
	}

	public CredentialRequest request(TenantId tenant, String resource, List<String> scope, Duration ttl) {
		return new CredentialRequest(CredentialRequestId.random(), agentId, tenant, JobId.random(), TaskId.random(),
				resource, scope, ttl, "needed for the task", nonce(), clock.instant());
	}

	/** {@code request} again with a new nonce and signing time: a retry. */
	public CredentialRequest retry(CredentialRequest request) {
		return new CredentialRequest(request.requestId(), request.agentId(), request.tenant(), request.jobId(),
				request.taskId(), request.resource(), request.scope(), request.ttl(), request.justification(), nonce(),
				clock.instant());
	}

	public SignedCredentialRequest sign(CredentialRequest request) {
		return new SignedCredentialRequest(request, AgentSignatures.sign(request, key));
	}

	public SignedCredentialClaim claim(CredentialRequestId requestId) {
		CredentialClaim claim = new CredentialClaim(requestId, agentId, nonce(), clock.instant());
		return new SignedCredentialClaim(claim, AgentSignatures.sign(claim, key));
	}

	public SignedLeaseRenewal renewal(LeaseId leaseId) {
		LeaseRenewal renewal = new LeaseRenewal(leaseId, agentId, nonce(), clock.instant());
		return new SignedLeaseRenewal(renewal, AgentSignatures.sign(renewal, key));
	}

	private static String nonce() {
		return UUID.randomUUID().toString();
	}
}
