package io.colony.platform.identity;

/** A key that is not an Ed25519 key in the encoding the contract names. */
public class InvalidAgentKey extends RuntimeException {

	public InvalidAgentKey(String message) {
		super(message);
	}

	public InvalidAgentKey(String message, Throwable cause) {
		super(message, cause);
	}
}
