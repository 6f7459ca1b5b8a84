package io.colony.gateway.registry;

import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/registry/agents}: the registry's live agent list, filtered by {@code type}/{@code capability}. */
@RestController
class AgentRegistryController {

	private final Upstream registry;

	AgentRegistryController(@Qualifier("registryUpstream") Upstream registry) {
		this.registry = registry;
	}

	@GetMapping("/api/v1/registry/agents")
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
			uri.path("/api/v1/registry/agents");
			// values go in as URI variables so that they are encoded strictly ('&', '+', '=' included)
			filters.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
			return uri.build(filters);
		}).accept(MediaType.APPLICATION_JSON));
	}
}
