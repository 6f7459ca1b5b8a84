package io.colony.contracts;

/** Where a credential request stands. Only {@code PENDING} can change, and only once. */
public enum CredentialRequestStatus {

	/** Waiting for a person to approve or deny it. */
	PENDING,
	/** Granted by policy or by a person: a lease exists. */
	GRANTED,
	/** Denied by policy or by a person. */
	DENIED,
	/** Nobody decided within the approval timeout. */
	TIMED_OUT;

	public boolean isDecided() {
		return this != PENDING;
	}
}
