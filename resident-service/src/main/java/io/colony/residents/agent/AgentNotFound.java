package io.colony.residents.agent;

/** No agent with this id in the caller's tenant (another tenant's agent is not found either). */
public class AgentNotFound extends RuntimeException {

	public AgentNotFound(String id) {
		super("no agent '" + id + "'");
	}
}
