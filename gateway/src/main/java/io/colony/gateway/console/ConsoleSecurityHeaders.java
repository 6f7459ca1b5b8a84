package io.colony.gateway.console;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Locks the console's responses down. The page holds an operator's bearer token, so nothing but its own script may
 * run in it: no inline script or style, no other origin to load from or talk to, no framing, no plugins, and Trusted
 * Types required, so that the browser itself refuses an HTML string written into the page (the console only ever
 * sets text). No referrer either, so the page's address never leaves it.
 */
final class ConsoleSecurityHeaders implements WebFilter {

	static final String CONTENT_SECURITY_POLICY = String.join("; ", "default-src 'self'", "script-src 'self'",
			"style-src 'self'", "img-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
			"form-action 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'");

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (path.equals("/console") || path.startsWith(ConsoleConfiguration.PATH)) {
			HttpHeaders headers = exchange.getResponse().getHeaders();
			headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
			headers.set("Referrer-Policy", "no-referrer");
			headers.set("X-Content-Type-Options", "nosniff");
			headers.set("X-Frame-Options", "DENY");
			headers.set("Cross-Origin-Opener-Policy", "same-origin");
			headers.set("Cross-Origin-Resource-Policy", "same-origin");
			headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
		}
		return chain.filter(exchange);
	}
}
