package io.colony.gateway.registry;

import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry's API under the same paths: reads need scope {@code registry:read}, key operations
 * {@code registry:write} (see the security configuration); for those the operator's token goes on to the
 * registry, which checks the scope again. Path and query values go to the registry as URI
 * variables, so that they are encoded strictly ('&', '+', '=' included) and cannot reach another path.
 */
@RestController
class AgentRegistryController {

	private static final String AGENTS = "/api/v1/registry/agents";

	private final Upstream registry;

	AgentRegistryController(@Qualifier("registryUpstream") Upstream registry) {
		this.registry = registry;
	}

	/** The live agents, filtered by {@code type}/{@code capability}. */
	@GetMapping(AGENTS)
	Mono<ResponseEntity<Flux<DataBuffer>>> agents(@RequestParam(required = false) String type,
			@RequestParam(required = false) String capability) {
		Map<String, String> filters = new LinkedHashMap<>();
		if (type != null) {
			filters.put("type", type);
		}
		if (capability != null) {
			filters.put("capability", capability);
		}
		return registry.passThrough(registry.client().get().uri(uri -> {
			uri.path(AGENTS);
			filters.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
			return uri.build(filters);
		}).accept(MediaType.APPLICATION_JSON));
	}

	@GetMapping(AGENTS + "/{agentId}")
	Mono<ResponseEntity<Flux<DataBuffer>>> agent(@PathVariable String agentId) {
		return registry.passThrough(
				registry.client().get().uri(AGENTS + "/{agentId}", agentId).accept(MediaType.APPLICATION_JSON));
	}

	/** {@code 200} with the agent's view, the key revoked; revoking a revoked key again changes nothing. */
	@PostMapping(AGENTS + "/{agentId}/keys/{keyId}/revoke")
	Mono<ResponseEntity<Flux<DataBuffer>>> revokeKey(@PathVariable String agentId, @PathVariable String keyId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return registry.passThrough(registry.client()
			.post()
			.uri(AGENTS + "/{agentId}/keys/{keyId}/revoke", agentId, keyId)
			.header(HttpHeaders.AUTHORIZATION, authorization)
			.accept(MediaType.APPLICATION_JSON));
	}

	/** {@code 202}: the agent announces a new key in a later heartbeat. */
	@PostMapping(AGENTS + "/{agentId}/keys/rotate")
	Mono<ResponseEntity<Flux<DataBuffer>>> rotateKeys(@PathVariable String agentId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return registry.passThrough(registry.client()
			.post()
			.uri(AGENTS + "/{agentId}/keys/rotate", agentId)
			.header(HttpHeaders.AUTHORIZATION, authorization)
			.accept(MediaType.APPLICATION_JSON));
	}
}
