package io.colony.platform.messaging;

/** The broker did not take responsibility for a message: nacked, unroutable, or no confirm in time. */
public class PublishFailed extends RuntimeException {

	public PublishFailed(String message) {
		super(message);
	}

	public PublishFailed(String message, Throwable cause) {
		super(message, cause);
	}
}
