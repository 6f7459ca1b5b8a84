package io.colony.benchmarks.cli;

/** A command could not do its job for a reason worth one line to a person (no stack trace). */
public class CommandFailed extends RuntimeException {

	public CommandFailed(String message) {
		super(message);
	}

	public CommandFailed(String message, Throwable cause) {
		super(message, cause);
	}
}
