package io.colony.gateway.problem;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes problem documents ({@code application/problem+json}) straight to the response, so that filters
 * (security), exception handlers and controllers all render errors the same way whatever the client's
 * {@code Accept} header says.
 */
@Component
public class ProblemWriter {

	private final JsonMapper mapper = JsonMapper.builder().build();

	public Mono<Void> write(ServerWebExchange exchange, ProblemException problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(problem.status());
		problem.headers().forEach((name, values) -> response.getHeaders().put(name, values));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = mapper.writeValueAsBytes(document(problem, exchange.getRequest().getPath().value()));
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	static Map<String, Object> document(ProblemException problem, String instance) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("type", problem.type());
		document.put("title", problem.title());
		document.put("status", problem.status().value());
		if (problem.detail() != null) {
			document.put("detail", problem.detail());
		}
		document.put("instance", instance);
		problem.properties().forEach(document::putIfAbsent);
		return document;
	}
}
