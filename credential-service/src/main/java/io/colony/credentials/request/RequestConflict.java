package io.colony.credentials.request;

import io.colony.contracts.CredentialRequestId;
import io.colony.credentials.signature.RefusedMessage;

/** A request reusing the id of an earlier request with other content: it is not a retry, and is refused. */
public class RequestConflict extends RefusedMessage {

	RequestConflict(CredentialRequestId requestId) {
		super("request-conflict", "request " + requestId + " was already made with other content; use a new requestId",
				null);
	}
}
