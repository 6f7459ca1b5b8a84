package io.colony.residents.agent;

/** A request that cannot be served as sent (400); the message says what to change. */
public class InvalidRequest extends RuntimeException {

	public InvalidRequest(String message) {
		super(message);
	}
}
