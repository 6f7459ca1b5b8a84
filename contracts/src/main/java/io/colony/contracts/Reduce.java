package io.colony.contracts;

/** The {@code reduce} block of a job. */
public record Reduce(ReduceStrategy strategy) {

	public static final Reduce COLLECT = new Reduce(ReduceStrategy.COLLECT);

	public Reduce {
		strategy = strategy == null ? ReduceStrategy.COLLECT : strategy;
	}
}
