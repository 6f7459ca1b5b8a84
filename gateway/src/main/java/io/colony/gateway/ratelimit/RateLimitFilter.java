package io.colony.gateway.ratelimit;

import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.ProblemWriter;
import io.colony.gateway.security.Tenants;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Holds every authenticated {@code /api/**} request to its tenant's rate limit before anything else happens to it
 * (no body is read, nothing is sent upstream). Runs after Spring Security's chain, so that the tenant is the
 * token's; unauthenticated requests and tokens without a usable tenant are answered by security and the
 * controllers (401/403) and never counted. A refusal is a {@code 429} problem {@code rate-limited} with
 * {@code Retry-After} in whole seconds until a slot frees.
 */
final class RateLimitFilter implements WebFilter, Ordered {

	/** After Spring Security's {@code WebFilterChainProxy} (-100). */
	static final int ORDER = 0;

	private final TenantRateLimiter limiter;

	private final RateLimitProperties properties;

	private final ProblemWriter problems;

	RateLimitFilter(TenantRateLimiter limiter, RateLimitProperties properties, ProblemWriter problems) {
		this.limiter = limiter;
		this.properties = properties;
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String path = request.getPath().pathWithinApplication().value();
		if (!properties.enabled() || !path.startsWith("/api/")) {
			return chain.filter(exchange);
		}
		Budget budget = Budget.of(request.getMethod(), path);
		return exchange.getPrincipal()
			.ofType(JwtAuthenticationToken.class)
			.mapNotNull(RateLimitFilter::tenantOrNull)
			.flatMap(tenant -> limiter.admit(tenant, budget).flatMap(admission -> switch (admission) {
				case Admission.Admitted admitted -> Mono.just(true);
				case Admission.Refused refused -> problems.write(exchange, rateLimited(tenant, budget, refused))
					.thenReturn(false);
			}))
			.defaultIfEmpty(true)
			.flatMap(admitted -> admitted ? chain.filter(exchange) : Mono.empty());
	}

	private ProblemException rateLimited(TenantId tenant, Budget budget, Admission.Refused refused) {
		int limit = properties.limit(tenant, budget);
		long seconds = refused.retryAfterSeconds();
		return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too Many Requests",
				"tenant '" + tenant + "' has made its " + limit + " " + budget.description()
						+ " of the last minute; retry in " + seconds + " s")
			.property("budget", budget.key())
			.property("limit", limit)
			.property("window", RateLimitProperties.WINDOW.toString())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
	}

	private static TenantId tenantOrNull(JwtAuthenticationToken authentication) {
		try {
			return Tenants.of(authentication.getToken());
		}
		catch (ProblemException ex) {
			return null;
		}
	}
}
