package io.colony.contracts;

import java.util.List;

/** Body of {@code GET /api/v1/registry/agents}. */
public record AgentList(List<AgentView> agents) {

	public AgentList {
		agents = agents == null ? List.of() : List.copyOf(agents);
	}
}
