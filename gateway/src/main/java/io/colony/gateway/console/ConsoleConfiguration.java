package io.colony.gateway.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The operator console: static files under {@code classpath:/static/console/} (served by Spring's resource
 * handling), its page at {@code /console/}, and {@code /console} sent there, so that the page's relative links
 * resolve below it. A browser keeps the URL's fragment across the redirect, so {@code /console#token=…} works too.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

	static final String PATH = "/console/";

	private static final Resource PAGE = new ClassPathResource("static/console/index.html");

	@Bean
	RouterFunction<ServerResponse> consoleRoutes() {
		return RouterFunctions.route()
			.GET("/console", request -> ServerResponse.status(HttpStatus.MOVED_PERMANENTLY).location(URI.create(PATH)).build())
			.GET(PATH, request -> ServerResponse.ok()
				.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
				.body(BodyInserters.fromResource(PAGE)))
			.build();
	}

	@Bean
	WebFilter consoleSecurityHeaders() {
		return new ConsoleSecurityHeaders();
	}
}
