package io.colony.credentials.request;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.TenantId;
import io.colony.credentials.signature.RefusedMessage;

/** An agent tried to claim the credential of a request another agent made. */
public class NotRequester extends RefusedMessage {

	NotRequester(CredentialRequestId requestId, AgentId agentId, TenantId tenant) {
		super("not-requester", "request " + requestId + " was not made by agent " + agentId, tenant);
	}
}
