package io.colony.benchmarks.cli;

/** The command line was wrong; the message says how, and the process exits with status 64. */
public final class UsageError extends RuntimeException {

	public UsageError(String message) {
		super(message);
	}
}
