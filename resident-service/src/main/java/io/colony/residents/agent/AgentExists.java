package io.colony.residents.agent;

import java.util.List;

/** Creation refused because agents with these ids exist already (up to 10 named). */
class AgentExists extends RuntimeException {

	private final List<String> ids;

	AgentExists(List<String> ids, int total) {
		super((total == 1 ? "an agent with id " : total + " agents exist already, e.g. ")
				+ String.join(", ", ids.stream().map(id -> "'" + id + "'").toList())
				+ (total == 1 ? " exists already" : ""));
		this.ids = List.copyOf(ids);
	}

	List<String> ids() {
		return ids;
	}
}
