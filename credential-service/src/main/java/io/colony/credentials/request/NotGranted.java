package io.colony.credentials.request;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;

/** A claim on a request that has no credential to collect: still pending, denied or timed out. */
public class NotGranted extends RuntimeException {

	private final CredentialRequestStatus status;

	NotGranted(CredentialRequestId requestId, CredentialRequestStatus status) {
		super("request " + requestId + " is " + status + (status == CredentialRequestStatus.PENDING
				? ": waiting for approval, claim again once it is granted" : ": it will not be granted"));
		this.status = status;
	}

	public CredentialRequestStatus status() {
		return status;
	}
}
