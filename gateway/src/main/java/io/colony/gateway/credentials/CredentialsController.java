package io.colony.gateway.credentials;

import io.colony.gateway.upstream.JsonBodies;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credential service's operator API under the same paths (scope {@code credentials:approve}, see the security
 * configuration). The operator's token goes on to the credential service, which checks it again and scopes
 * everything to its tenant; its answers, refusals included, come back as it wrote them.
 *
 * <p>Only the operator routes exist here. What agents call (a new request, a claim, a renewal) is signed by the
 * agent, goes from the worker straight to the credential service, and is not routed: {@code POST
 * .../requests} is a 405, the others a 404. Ids are checked (a canonical UUID or a 404) and query values go on as
 * URI variables, so no value can reach another upstream path.
 */
@RestController
class CredentialsController {

	private static final String BASE = "/api/v1/credentials";

	private final Upstream credentials;

	private final int maxBodyBytes;

	CredentialsController(@Qualifier("credentialsUpstream") Upstream credentials, CredentialsProperties properties) {
		this.credentials = credentials;
		this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
	}

	/** Newest first; {@code status} and {@code limit} are checked by the credential service. */
	@GetMapping(BASE + "/requests")
	Mono<ResponseEntity<Flux<DataBuffer>>> requests(@RequestParam(required = false) String status,
			@RequestParam(required = false) String limit, @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return get(BASE + "/requests", query("status", status, "limit", limit), authorization);
	}

	@GetMapping(BASE + "/requests/{requestId}")
	Mono<ResponseEntity<Flux<DataBuffer>>> request(@PathVariable String requestId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return credentials.passThrough(credentials.client()
			.get()
			.uri(BASE + "/requests/{requestId}", CredentialIds.request(requestId).toString())
			.header(HttpHeaders.AUTHORIZATION, authorization)
			.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
	}

	/** Body {@code {"scope"?, "ttl"?, "note"?}}: the approver may only narrow what was asked. */
	@PostMapping(BASE + "/requests/{requestId}/approve")
	Mono<ResponseEntity<Flux<DataBuffer>>> approve(@PathVariable String requestId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization, ServerWebExchange exchange) {
		return post(BASE + "/requests/{id}/approve", CredentialIds.request(requestId).toString(), authorization,
				exchange);
	}

	/** Body {@code {"reason"}}. */
	@PostMapping(BASE + "/requests/{requestId}/deny")
	Mono<ResponseEntity<Flux<DataBuffer>>> deny(@PathVariable String requestId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization, ServerWebExchange exchange) {
		return post(BASE + "/requests/{id}/deny", CredentialIds.request(requestId).toString(), authorization, exchange);
	}

	@GetMapping(BASE + "/leases")
	Mono<ResponseEntity<Flux<DataBuffer>>> leases(@RequestParam(required = false) String status,
			@RequestParam(required = false) String limit, @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return get(BASE + "/leases", query("status", status, "limit", limit), authorization);
	}

	/** Body {@code {"reason"}}. */
	@PostMapping(BASE + "/leases/{leaseId}/revoke")
	Mono<ResponseEntity<Flux<DataBuffer>>> revoke(@PathVariable String leaseId,
			@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization, ServerWebExchange exchange) {
		return post(BASE + "/leases/{id}/revoke", CredentialIds.lease(leaseId).toString(), authorization, exchange);
	}

	/** This tenant's audit entries after sequence number {@code after}, oldest first. */
	@GetMapping(BASE + "/audit")
	Mono<ResponseEntity<Flux<DataBuffer>>> audit(@RequestParam(required = false) String after,
			@RequestParam(required = false) String limit, @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return get(BASE + "/audit", query("after", after, "limit", limit), authorization);
	}

	@GetMapping(BASE + "/audit/verify")
	Mono<ResponseEntity<Flux<DataBuffer>>> verifyAudit(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return get(BASE + "/audit/verify", Map.of(), authorization);
	}

	@GetMapping(BASE + "/audit/keys")
	Mono<ResponseEntity<Flux<DataBuffer>>> auditKeys(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return get(BASE + "/audit/keys", Map.of(), authorization);
	}

	private Mono<ResponseEntity<Flux<DataBuffer>>> get(String path, Map<String, String> query, String authorization) {
		return credentials.passThrough(credentials.client().get().uri(uri -> {
			uri.path(path);
			query.keySet().forEach(name -> uri.queryParam(name, "{" + name + "}"));
			return uri.build(query);
		}).header(HttpHeaders.AUTHORIZATION, authorization).accept(MediaType.APPLICATION_JSON,
				MediaType.APPLICATION_PROBLEM_JSON));
	}

	/**
	 * Reads the decision body completely (at most {@code max-body-size}) before anything is sent, so that an
	 * oversize or non-JSON body never reaches the credential service. An empty body goes on as {@code {}}.
	 */
	private Mono<ResponseEntity<Flux<DataBuffer>>> post(String path, String id, String authorization,
			ServerWebExchange exchange) {
		return JsonBodies.read(exchange.getRequest(), maxBodyBytes, "a decision", true)
			.flatMap(body -> credentials.passThrough(credentials.client()
				.post()
				.uri(path, id)
				.header(HttpHeaders.AUTHORIZATION, authorization)
				.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)));
	}

	/** Only the named parameters that are present, in order. */
	private static Map<String, String> query(String name1, String value1, String name2, String value2) {
		Map<String, String> query = new LinkedHashMap<>();
		if (value1 != null) {
			query.put(name1, value1);
		}
		if (value2 != null) {
			query.put(name2, value2);
		}
		return query;
	}
}
