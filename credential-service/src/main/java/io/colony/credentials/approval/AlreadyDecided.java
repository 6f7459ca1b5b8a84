package io.colony.credentials.approval;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;

/** A decision on a request that was already decided (or timed out): decisions happen once. */
public class AlreadyDecided extends RuntimeException {

	AlreadyDecided(CredentialRequestId requestId, CredentialRequestStatus status) {
		super("request " + requestId + " was already decided: " + status);
	}
}
