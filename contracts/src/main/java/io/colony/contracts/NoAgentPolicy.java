package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What the orchestrator does with a job whose capability no live agent serves at submit. */
public enum NoAgentPolicy {

	/** Refuse it at once with a 4xx ({@code no-live-agent}); nothing is stored. */
	REJECT,

	/** Accept it and hold its tasks until an agent serving the capability registers (or the deadline passes). */
	HOLD;

	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** @throws IllegalArgumentException naming the accepted values */
	@JsonCreator
	public static NoAgentPolicy fromWireName(String name) {
		for (NoAgentPolicy policy : values()) {
			if (policy.wireName().equals(name)) {
				return policy;
			}
		}
		throw new IllegalArgumentException("whenNoAgent must be one of reject, hold");
	}
}
