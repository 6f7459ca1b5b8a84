package io.colony.credentials.lease;

import io.colony.contracts.AgentId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;
import io.colony.credentials.signature.RefusedMessage;

/** An agent asked to renew a lease granted to another agent. */
public class NotLeaseHolder extends RefusedMessage {

	NotLeaseHolder(LeaseId leaseId, AgentId agentId, TenantId tenant) {
		super("not-lease-holder", "lease " + leaseId + " was not granted to agent " + agentId, tenant);
	}
}
