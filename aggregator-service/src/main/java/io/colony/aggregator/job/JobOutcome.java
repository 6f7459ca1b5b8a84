package io.colony.aggregator.job;

import io.colony.contracts.JobStatus;

/**
 * The final status of a job and, when it did not fully succeed, why. Pure rules, no I/O.
 *
 * @param reason {@code null} when every task succeeded
 */
record JobOutcome(JobStatus status, String reason) {

	/** Every task has a final result: all succeeded, none succeeded, or something in between. */
	static JobOutcome allFinished(int total, int succeeded, int failed) {
		if (failed == 0) {
			return new JobOutcome(JobStatus.SUCCEEDED, null);
		}
		if (succeeded == 0) {
			return new JobOutcome(JobStatus.FAILED, "all " + failed + " tasks failed");
		}
		return new JobOutcome(JobStatus.PARTIAL, failed + " of " + total + " tasks failed");
	}

	/** The deadline passed first: keep what succeeded, if anything did. */
	static JobOutcome deadlineReached(int total, int succeeded, int failed) {
		int missing = Math.max(0, total - succeeded - failed);
		StringBuilder reason = new StringBuilder("deadline reached with ").append(missing)
			.append(" of ")
			.append(total)
			.append(" tasks missing");
		if (failed > 0) {
			reason.append(" and ").append(failed).append(" failed");
		}
		return new JobOutcome(succeeded > 0 ? JobStatus.PARTIAL : JobStatus.FAILED, reason.toString());
	}

	static JobOutcome cancelled(String why) {
		return new JobOutcome(JobStatus.CANCELLED,
				why == null || why.isBlank() ? "cancelled" : "cancelled: " + why);
	}
}
