package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a pipeline stage runs: one task per input (the default), or one task over all of the previous outputs. */
public enum FanOut {

	PER_INPUT("per-input"), ONCE("once");

	private final String wireName;

	FanOut(String wireName) {
		this.wireName = wireName;
	}

	@JsonValue
	public String wireName() {
		return wireName;
	}

	/** @throws IllegalArgumentException naming the accepted values */
	@JsonCreator
	public static FanOut fromWireName(String name) {
		for (FanOut fanOut : values()) {
			if (fanOut.wireName.equals(name)) {
				return fanOut;
			}
		}
		throw new IllegalArgumentException("fanOut must be one of per-input, once");
	}
}
