package io.colony.contracts;

/** Task tally of a job as the aggregator sees it; {@code running} is everything not yet finished. */
public record TaskCounts(int total, int succeeded, int failed, int running) {

	public static TaskCounts of(int total, int succeeded, int failed) {
		return new TaskCounts(total, succeeded, failed, Math.max(0, total - succeeded - failed));
	}
}
