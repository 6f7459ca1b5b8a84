package io.colony.gateway.usage;

import io.colony.contracts.TenantId;
import io.colony.gateway.security.Tenants;
import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the caller's tenant has consumed over all its jobs ({@code TenantUsage}: tokens in and out, LLM and
 * tool calls, US dollars, jobs), as the aggregator records it. Scoped by the token's tenant only: there is no
 * way to name another.
 */
@RestController
class UsageController {

	private final Upstream aggregator;

	UsageController(@Qualifier("aggregatorUpstream") Upstream aggregator) {
		this.aggregator = aggregator;
	}

	@GetMapping("/api/v1/usage")
	Mono<ResponseEntity<Flux<DataBuffer>>> usage(@AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		return aggregator.passThrough(aggregator.client()
			.get()
			.uri("/internal/v1/usage")
			.header(Upstream.TENANT_HEADER, tenant.value())
			.accept(MediaType.APPLICATION_JSON));
	}
}
