package io.colony.gateway.resident;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.gateway.job.JobApiProperties;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.security.Tenants;
import io.colony.gateway.upstream.JsonBodies;
import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The resident service's agent API under the public paths: {@code /api/v1/agents/**} goes one to one to
 * {@code /internal/v1/agents/**} with the token's tenant in {@code X-Colony-Tenant} (never a header the client sent).
 * The resident service validates the bodies and scopes everything to the tenant; its answers and refusals come back
 * as it wrote them. Here: scopes (see the security configuration), ids (an id that cannot be an agent's or a timer's
 * is a 404 that never reaches the service), JSON bodies of at most {@code colony.gateway.max-body-size}, query values
 * as URI variables (no value can reach another upstream path), and a {@code Location} on what was created.
 */
@RestController
class ResidentsController {

	static final String BASE = "/api/v1/agents";

	static final String INTERNAL = "/internal/v1/agents";

	private static final Pattern TIMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String REQUEST = "an agent request";

	private final Upstream residents;

	private final int maxBodyBytes;

	ResidentsController(@Qualifier("residentsUpstream") Upstream residents, JobApiProperties limits) {
		this.residents = residents;
		this.maxBodyBytes = (int) limits.maxBodySize().toBytes();
	}

	/** Body {@code {"id"?, "type", "memory"?}} → 201 {@code {"id","type","createdAt"}} + {@code Location}. */
	@PostMapping(BASE)
	Mono<ResponseEntity<byte[]>> create(@AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
		TenantId tenant = Tenants.of(jwt);
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, REQUEST, false)
			.flatMap(body -> created(post(INTERNAL, tenant, body), answer -> agentLocation(text(answer, "id"))));
	}

	/** Body {@code {"agents": [...]}} (1..10,000), all or nothing → 201 {@code {"created","ids"}}. */
	@PostMapping(BASE + "/bulk")
	Mono<ResponseEntity<Flux<DataBuffer>>> createMany(@AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
		TenantId tenant = Tenants.of(jwt);
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, REQUEST, false)
			.flatMap(body -> residents.passThrough(post(INTERNAL + "/bulk", tenant, body)));
	}

	/** Keyset pages by id: {@code type}, {@code after} and {@code limit} are checked by the resident service. */
	@GetMapping(BASE)
	Mono<ResponseEntity<Flux<DataBuffer>>> agents(@RequestParam(required = false) String type,
			@RequestParam(required = false) String after, @RequestParam(required = false) String limit,
			@AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		Map<String, String> query = new LinkedHashMap<>();
		putIfPresent(query, "type", type);
		putIfPresent(query, "after", after);
		putIfPresent(query, "limit", limit);
		return residents.passThrough(residents.client().get().uri(uri -> {
			uri.path(INTERNAL);
			query.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
			return uri.build(query);
		}).header(Upstream.TENANT_HEADER, tenant.value()).accept(MediaType.APPLICATION_JSON,
				MediaType.APPLICATION_PROBLEM_JSON));
	}

	@GetMapping(BASE + "/{agentId}")
	Mono<ResponseEntity<Flux<DataBuffer>>> agent(@PathVariable String agentId, @AuthenticationPrincipal Jwt jwt) {
		return get(INTERNAL + "/{id}", Tenants.of(jwt), agentId(agentId).value());
	}

	/** → 204; the agent's pending timers go, and later mail for it is dropped. */
	@DeleteMapping(BASE + "/{agentId}")
	Mono<ResponseEntity<Flux<DataBuffer>>> delete(@PathVariable String agentId, @AuthenticationPrincipal Jwt jwt) {
		return residents.passThrough(residents.client()
			.delete()
			.uri(INTERNAL + "/{id}", agentId(agentId).value())
			.header(Upstream.TENANT_HEADER, Tenants.of(jwt).value())
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
	}

	/** Body {@code {"content"}} → 202 {@code {"messageId"}}: the reply comes on the event streams. */
	@PostMapping(BASE + "/{agentId}/messages")
	Mono<ResponseEntity<Flux<DataBuffer>>> send(@PathVariable String agentId, @AuthenticationPrincipal Jwt jwt,
			ServerWebExchange exchange) {
		ResidentId id = agentId(agentId);
		TenantId tenant = Tenants.of(jwt);
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, REQUEST, false)
			.flatMap(body -> residents.passThrough(post(INTERNAL + "/{id}/messages", tenant, body, id.value())));
	}

	/** Body {@code {"after" | "at", "content", "every"?}} → 201 {@code {"timerId","fireAt"}} + {@code Location}. */
	@PostMapping(BASE + "/{agentId}/timers")
	Mono<ResponseEntity<byte[]>> schedule(@PathVariable String agentId, @AuthenticationPrincipal Jwt jwt,
			ServerWebExchange exchange) {
		ResidentId id = agentId(agentId);
		TenantId tenant = Tenants.of(jwt);
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, REQUEST, false)
			.flatMap(body -> created(post(INTERNAL + "/{id}/timers", tenant, body, id.value()),
					answer -> timerLocation(id, text(answer, "timerId"))));
	}

	@GetMapping(BASE + "/{agentId}/timers")
	Mono<ResponseEntity<Flux<DataBuffer>>> timers(@PathVariable String agentId, @AuthenticationPrincipal Jwt jwt) {
		return get(INTERNAL + "/{id}/timers", Tenants.of(jwt), agentId(agentId).value());
	}

	@DeleteMapping(BASE + "/{agentId}/timers/{timerId}")
	Mono<ResponseEntity<Flux<DataBuffer>>> cancelTimer(@PathVariable String agentId, @PathVariable String timerId,
			@AuthenticationPrincipal Jwt jwt) {
		ResidentId id = agentId(agentId);
		if (!TIMER_ID.matcher(timerId).matches()) {
			throw new ProblemException(HttpStatus.NOT_FOUND, "timer-not-found", "Timer not found",
					"no timer " + shown(timerId) + " for agent " + id.value());
		}
		return residents.passThrough(residents.client()
			.delete()
			.uri(INTERNAL + "/{id}/timers/{timerId}", id.value(), timerId)
			.header(Upstream.TENANT_HEADER, Tenants.of(jwt).value())
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
	}

	/** A path id that cannot be an agent's reads like an unknown agent, and never reaches the resident service. */
	static ResidentId agentId(String text) {
		if (!ResidentId.isValid(text)) {
			throw new ProblemException(HttpStatus.NOT_FOUND, "agent-not-found", "Agent not found",
					"no agent " + shown(text));
		}
		return ResidentId.of(text);
	}

	private Mono<ResponseEntity<Flux<DataBuffer>>> get(String path, TenantId tenant, String id) {
		return residents.passThrough(residents.client()
			.get()
			.uri(path, id)
			.header(Upstream.TENANT_HEADER, tenant.value())
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
	}

	private WebClient.RequestHeadersSpec<?> post(String path, TenantId tenant, byte[] body, Object... uriVariables) {
		return residents.client()
			.post()
			.uri(path, uriVariables)
			.header(Upstream.TENANT_HEADER, tenant.value())
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body);
	}

	/**
	 * Relays a creation's answer (small: one id and a few fields) with the public {@code Location} of what was created,
	 * read from the answer. Refusals are mapped as every upstream's are.
	 */
	private Mono<ResponseEntity<byte[]>> created(WebClient.RequestHeadersSpec<?> request,
			Function<JsonNode, URI> location) {
		return request.retrieve()
			.onStatus(HttpStatusCode::isError, residents::failure)
			.toEntity(byte[].class)
			.map(entity -> {
				byte[] body = entity.getBody() == null ? new byte[0] : entity.getBody();
				ResponseEntity.BodyBuilder answer = ResponseEntity.status(entity.getStatusCode())
					.contentType(entity.getHeaders().getContentType() == null ? MediaType.APPLICATION_JSON
							: entity.getHeaders().getContentType());
				if (entity.getStatusCode().value() == HttpStatus.CREATED.value()) {
					URI uri = location.apply(read(body));
					if (uri != null) {
						answer.location(uri);
					}
				}
				return answer.body(body);
			})
			.onErrorMap(residents::unavailable);
	}

	private static URI agentLocation(String id) {
		return ResidentId.isValid(id) ? URI.create(BASE + "/" + id) : null;
	}

	private static URI timerLocation(ResidentId agent, String timerId) {
		return timerId != null && TIMER_ID.matcher(timerId).matches()
				? URI.create(BASE + "/" + agent.value() + "/timers/" + timerId) : null;
	}

	private static JsonNode read(byte[] body) {
		try {
			return body.length == 0 ? null : JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String text(JsonNode node, String field) {
		return node == null || !node.path(field).isString() ? null : node.path(field).asString();
	}

	private static void putIfPresent(Map<String, String> query, String name, String value) {
		if (value != null) {
			query.put(name, value);
		}
	}

	private static String shown(String text) {
		return text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text;
	}
}
