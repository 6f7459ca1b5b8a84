package io.colony.registry.agents;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;

/**
 * Internal query API of the live registry; the gateway serves it to clients under the same path with
 * authentication. Only live entries are visible: an expired one is gone even before the sweeper deletes it.
 */
@RestController
@RequestMapping("/api/v1/registry/agents")
class AgentRegistryController {

	private final AgentRegistry registry;

	private final Clock clock;

	AgentRegistryController(AgentRegistry registry, Clock clock) {
		this.registry = registry;
		this.clock = clock;
	}

	@GetMapping
	AgentList listLiveAgents(@RequestParam(required = false) String type,
			@RequestParam(required = false) String capability) {
		return new AgentList(registry.live(new AgentFilter(type, capability), clock.instant()));
	}

	@GetMapping("/{agentId}")
	AgentView liveAgent(@PathVariable String agentId) {
		AgentId id = InvalidAgentQuery.agentId(agentId);
		return registry.live(id, clock.instant()).orElseThrow(() -> new AgentNotFound(id));
	}
}
