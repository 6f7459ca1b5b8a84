package io.colony.gateway.deadletter;

import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.security.Tenants;
import io.colony.gateway.upstream.JsonBodies;
import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The orchestrator's dead letters for operators (scope {@code deadletters:manage}, see the security configuration):
 * {@code /api/v1/dead-letters/**} goes to {@code /internal/v1/dead-letters/**} with the token's tenant in
 * {@code X-Colony-Tenant} and its subject in {@code X-Colony-Actor} (who replayed or discarded), never headers the
 * client sent. The orchestrator validates and scopes everything to the tenant; its answers, refusals included, come
 * back as it wrote them. Ids are checked here (a canonical UUID or a 404) and query values go on as URI variables,
 * so no value can reach another upstream path.
 */
@RestController
class DeadLettersController {

	private static final String BASE = "/api/v1/dead-letters";

	private static final String INTERNAL = "/internal/v1/dead-letters";

	static final String ACTOR_HEADER = "X-Colony-Actor";

	private final Upstream orchestrator;

	private final int maxBodyBytes;

	DeadLettersController(@Qualifier("orchestratorUpstream") Upstream orchestrator,
			DeadLetterApiProperties properties) {
		this.orchestrator = orchestrator;
		this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
	}

	/** Newest first; {@code status}, {@code queue}, {@code jobId} and {@code limit} are checked by the orchestrator. */
	@GetMapping(BASE)
	Mono<ResponseEntity<Flux<DataBuffer>>> deadLetters(@RequestParam(required = false) String status,
			@RequestParam(required = false) String queue, @RequestParam(required = false) String jobId,
			@RequestParam(required = false) String limit, @AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		Map<String, String> query = new LinkedHashMap<>();
		putIfPresent(query, "status", status);
		putIfPresent(query, "queue", queue);
		putIfPresent(query, "jobId", jobId);
		putIfPresent(query, "limit", limit);
		return orchestrator.passThrough(orchestrator.client().get().uri(uri -> {
			uri.path(INTERNAL);
			query.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
			return uri.build(query);
		}).header(Upstream.TENANT_HEADER, tenant.value()).accept(MediaType.APPLICATION_JSON,
				MediaType.APPLICATION_PROBLEM_JSON));
	}

	@GetMapping(BASE + "/{id}")
	Mono<ResponseEntity<Flux<DataBuffer>>> deadLetter(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		return orchestrator.passThrough(orchestrator.client()
			.get()
			.uri(INTERNAL + "/{id}", id(id))
			.header(Upstream.TENANT_HEADER, tenant.value())
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
	}

	@PostMapping(BASE + "/{id}/replay")
	Mono<ResponseEntity<Flux<DataBuffer>>> replay(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
			ServerWebExchange exchange) {
		return post(INTERNAL + "/" + id(id) + "/replay", jwt, exchange);
	}

	/** Body {@code {"queue"?, "jobId"?}} or none: every open dead letter of the tenant that matches. */
	@PostMapping(BASE + "/replay")
	Mono<ResponseEntity<Flux<DataBuffer>>> replayAll(@AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
		return post(INTERNAL + "/replay", jwt, exchange);
	}

	/** Body {@code {"reason"}}. */
	@PostMapping(BASE + "/{id}/discard")
	Mono<ResponseEntity<Flux<DataBuffer>>> discard(@PathVariable String id, @AuthenticationPrincipal Jwt jwt,
			ServerWebExchange exchange) {
		return post(INTERNAL + "/" + id(id) + "/discard", jwt, exchange);
	}

	/**
	 * Reads the action body completely (at most {@code max-body-size}) before anything is sent, so that an oversize
	 * or non-JSON body never reaches the orchestrator. An empty body goes on as {@code {}}.
	 */
	private Mono<ResponseEntity<Flux<DataBuffer>>> post(String path, Jwt jwt, ServerWebExchange exchange) {
		TenantId tenant = Tenants.of(jwt);
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, "a dead-letter action", true)
			.flatMap(body -> orchestrator.passThrough(orchestrator.client()
				.post()
				.uri(path)
				.header(Upstream.TENANT_HEADER, tenant.value())
				.header(ACTOR_HEADER, actor(jwt))
				.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)));
	}

	/** A malformed id reads like an unknown one, and only a canonical UUID reaches the orchestrator's path. */
	private static String id(String text) {
		try {
			if (text != null && text.length() == 36) {
				return UUID.fromString(text).toString();
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		String shown = text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text;
		throw new ProblemException(HttpStatus.NOT_FOUND, "dead-letter-not-found", "Dead letter not found",
				"no dead letter " + shown);
	}

	private static String actor(Jwt jwt) {
		String subject = jwt.getSubject();
		String actor = subject == null || subject.isBlank() ? "unknown" : subject;
		// a header value: printable ASCII only, bounded
		actor = actor.replaceAll("[^\\x20-\\x7E]", "?");
		return actor.length() > 200 ? actor.substring(0, 200) : actor;
	}

	private static void putIfPresent(Map<String, String> query, String name, String value) {
		if (value != null) {
			query.put(name, value);
		}
	}
}
