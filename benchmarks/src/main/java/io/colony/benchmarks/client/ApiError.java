package io.colony.benchmarks.client;

import io.colony.benchmarks.cli.CommandFailed;

/** The gateway answered with a status the caller did not expect; carries the (problem) body for the message. */
public final class ApiError extends CommandFailed {

	private final int status;

	public ApiError(String what, int status, String body) {
		super(what + " failed: HTTP " + status + (body == null || body.isBlank() ? "" : " " + abbreviate(body)));
		this.status = status;
	}

	public int status() {
		return status;
	}

	private static String abbreviate(String body) {
		String line = body.replaceAll("\\s+", " ").strip();
		return line.length() <= 300 ? line : line.substring(0, 300) + "...";
	}
}
