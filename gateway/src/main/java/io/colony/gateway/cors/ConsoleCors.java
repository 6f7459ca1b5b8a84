package io.colony.gateway.cors;

import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.ProblemWriter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Cross-origin calls from a browser, for the console only: an origin in {@code colony.gateway.cors.allowed-origins}
 * calling one of {@code colony.gateway.cors.paths} gets the CORS headers (preflights are answered here, before
 * authentication, since a browser sends them without the token). Everything else is refused: a preflight with a
 * {@code 403} problem {@code cors-not-allowed}, so that the browser never sends the real request; a cross-origin
 * request that needs no preflight goes on without CORS headers, so that the browser hides its answer from the page.
 * (Such a request is not refused outright: behind a proxy that rewrites scheme or host, a same-origin request can look
 * cross-origin to the gateway.)
 * <p>
 * Tokens are bearer tokens, never cookies, so credentials are not allowed; the headers a client needs to read
 * ({@code Retry-After}, {@code Location}) are exposed.
 */
final class ConsoleCors implements WebFilter, Ordered {

	/** Before Spring Security's chain (-100) and the body limit (-200). */
	static final int ORDER = -300;

	private final UrlBasedCorsConfigurationSource policy = new UrlBasedCorsConfigurationSource();

	private final CorsProcessor processor = new DefaultCorsProcessor();

	private final ProblemWriter problems;

	ConsoleCors(CorsProperties properties, ProblemWriter problems) {
		this.problems = problems;
		if (!properties.allowedOrigins().isEmpty()) {
			CorsConfiguration console = new CorsConfiguration();
			console.setAllowedOrigins(properties.allowedOrigins());
			console.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name()));
			console.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT,
					"Last-Event-ID"));
			console.setExposedHeaders(List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION));
			console.setAllowCredentials(false);
			console.setMaxAge(properties.maxAge());
			properties.paths().forEach(path -> policy.registerCorsConfiguration(path, console));
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!CorsUtils.isCorsRequest(request)) {
			return chain.filter(exchange);
		}
		boolean preflight = CorsUtils.isPreFlightRequest(request);
		String origin = request.getHeaders().getOrigin();
		CorsConfiguration config = policy.getCorsConfiguration(exchange);
		if (config == null || config.checkOrigin(origin) == null) {
			return preflight ? problems.write(exchange, notAllowed(origin, request)) : chain.filter(exchange);
		}
		if (!processor.process(config, exchange)) {
			// an allowed origin asking for a method or header the console does not use
			return problems.write(exchange, notAllowed(origin, request));
		}
		return preflight ? Mono.empty() : chain.filter(exchange);
	}

	private static ProblemException notAllowed(String origin, ServerHttpRequest request) {
		String method = request.getHeaders().getFirst(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
		return new ProblemException(HttpStatus.FORBIDDEN, "cors-not-allowed", "Cross-origin request not allowed",
				"origin " + origin + " may not call " + (method == null ? request.getMethod() : method) + " "
						+ request.getPath().value() + " from a browser");
	}
}
