package io.colony.worker.tool;

/**
 * A tool could not do what was asked (bad arguments, host not allowed, response too large, server
 * error). The message is what the model reads, so it says what went wrong without secrets or stack traces.
 */
public class ToolFailure extends RuntimeException {

	public ToolFailure(String message) {
		super(message, null, false, false);
	}

	public ToolFailure(String message, Throwable cause) {
		super(message, cause, false, false);
	}
}
