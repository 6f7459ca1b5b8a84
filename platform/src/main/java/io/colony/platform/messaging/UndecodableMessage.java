package io.colony.platform.messaging;

/** A message body that is not a valid instance of the expected wire type. Never retried. */
public class UndecodableMessage extends RuntimeException {

	public UndecodableMessage(String message, Throwable cause) {
		super(message, cause);
	}
}
