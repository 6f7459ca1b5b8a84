package io.colony.platform.messaging;

/**
 * Thrown by a handler for a message that will fail the same way however often it is delivered; the
 * consumer dead-letters it at once with this exception's message as the reason.
 */
public class PermanentFailure extends RuntimeException {

	public PermanentFailure(String reason) {
		super(reason);
	}

	public PermanentFailure(String reason, Throwable cause) {
		super(reason, cause);
	}
}
