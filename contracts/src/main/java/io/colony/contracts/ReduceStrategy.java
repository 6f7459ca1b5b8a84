package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the aggregator folds task results into the job result. */
public enum ReduceStrategy {

	/** Keep every task result, addressable through the job's results. */
	COLLECT("collect");

	private final String wireName;

	ReduceStrategy(String wireName) {
		this.wireName = wireName;
	}

	@JsonValue
	public String wireName() {
		return wireName;
	}

	/** @throws IllegalArgumentException naming the accepted values */
	@JsonCreator
	public static ReduceStrategy fromWireName(String name) {
		for (ReduceStrategy strategy : values()) {
			if (strategy.wireName.equals(name)) {
				return strategy;
			}
		}
		throw new IllegalArgumentException("reduce.strategy must be one of: collect");
	}
}
