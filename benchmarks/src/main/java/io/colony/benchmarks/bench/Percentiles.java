package io.colony.benchmarks.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample. */
public final class Percentiles {

	private final long[] sorted;

	public Percentiles(long[] values) {
		this.sorted = values.clone();
		Arrays.sort(sorted);
	}

	/**
	 * The smallest value such that at least {@code percent}% of the sample is at or below it; 0 for an empty
	 * sample.
	 */
	public long at(double percent) {
		if (percent <= 0 || percent > 100) {
			throw new IllegalArgumentException("percent must be in (0, 100], got " + percent);
		}
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	public int size() {
		return sorted.length;
	}
}
