package io.colony.contracts;

/** The public job states. The last four are terminal. */
public enum JobStatus {

	ACCEPTED, RUNNING, SUCCEEDED, PARTIAL, FAILED, CANCELLED;

	public boolean isTerminal() {
		return this == SUCCEEDED || this == PARTIAL || this == FAILED || this == CANCELLED;
	}
}
