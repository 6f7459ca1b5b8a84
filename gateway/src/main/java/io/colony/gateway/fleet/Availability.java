package io.colony.gateway.fleet;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Whether a section of the fleet view could be read; every section says so on its own. */
public enum Availability {

	/** Read just now from its source. */
	AVAILABLE,

	/** Its source failed, was unreachable or too slow; {@code reason} says which. */
	UNAVAILABLE,

	/** Its source answered but does not publish this (e.g. an orchestrator without the job metrics). */
	UNKNOWN,

	/** Not shown to this caller: the token lacks the scope the source needs. */
	OMITTED;

	@JsonValue
	public String wire() {
		return name().toLowerCase(Locale.ROOT);
	}
}
