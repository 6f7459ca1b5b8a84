package io.colony.gateway.credentials;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.LeaseId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the credential service's operator API ({@code /api/v1/credentials/...}) the way the brief
 * describes it: request and lease views scoped to the tenant of the forwarded bearer token (read from the token,
 * not verified: the gateway has done that), decisions that narrow only, {@code 409 already-decided}, {@code 422
 * scope-not-requested}/{@code ttl-too-long}, a 404 for another tenant's ids, and an audit trail with a settable
 * verification result. Every request it receives is recorded, so tests can show what reached it and what did not.
 */
public final class FakeCredentialService implements AutoCloseable {

	/** A request the fake answers with a {@code 500} whose problem detail holds a secret. */
	public static final String FAILING_REQUEST = "00000000-0000-0000-0000-000000000500";

	/** A request the fake answers with a {@code 409} problem document over the gateway's relay limit. */
	public static final String VERBOSE_REQUEST = "00000000-0000-0000-0000-000000000409";

	public static final String SECRET_IN_FAILURE = "hunter2";

	public record Received(String method, String path, String query, String authorization, String contentType,
			String body) {
	}

	/** Everything that reached the fake, in arrival order. */
	public final List<Received> received = new CopyOnWriteArrayList<>();

	private final Map<String, Map<String, Object>> requests = new ConcurrentHashMap<>();

	private final Map<String, Map<String, Object>> leases = new ConcurrentHashMap<>();

	private final List<Map<String, Object>> audit = new CopyOnWriteArrayList<>();

	private volatile Map<String, Object> verification;

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private FakeCredentialService(HttpServer server) {
		this.server = server;
		chainIsValid();
	}

	public static FakeCredentialService start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeCredentialService fake = new FakeCredentialService(server);
			server.createContext("/", fake::handle);
			server.start();
			return fake;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** Forgets every request, lease, audit entry and received call; the chain verifies again. */
	public synchronized void reset() {
		requests.clear();
		leases.clear();
		audit.clear();
		received.clear();
		chainIsValid();
	}

	/** Records a pending request, as the credential service does before it publishes {@code event}. */
	public void pending(CredentialApprovalRequested event) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("requestId", event.requestId().toString());
		view.put("status", "PENDING");
		view.put("tenant", event.tenant().value());
		view.put("agentId", event.agentId().value());
		view.put("jobId", event.jobId() == null ? null : event.jobId().toString());
		view.put("taskId", event.taskId() == null ? null : event.taskId().toString());
		view.put("resource", event.resource());
		view.put("scope", List.copyOf(event.scope()));
		view.put("ttl", event.ttl().toString());
		view.put("justification", event.justification());
		view.put("requestedAt", event.requestedAt().toString());
		view.put("timesOutAt", event.timesOutAt().toString());
		view.put("decidedAt", null);
		view.put("decidedBy", null);
		view.put("reason", null);
		view.put("grantedScope", null);
		view.put("leaseId", null);
		requests.put(event.requestId().toString(), view);
		audit("requested", event.tenant().value(), event.requestId().toString(), null, event.agentId().value(),
				Map.of("scope", event.scope()));
	}

	/** A request someone already granted: its lease is active for {@code ttl}. @return the lease id */
	public String granted(CredentialApprovalRequested event, Duration ttl) {
		pending(event);
		Map<String, Object> view = requests.get(event.requestId().toString());
		String leaseId = LeaseId.random().toString();
		Instant now = Instant.now();
		synchronized (this) {
			view.put("status", "GRANTED");
			view.put("grantedScope", List.copyOf(event.scope()));
			view.put("leaseId", leaseId);
			view.put("decidedAt", now.toString());
			view.put("decidedBy", "policy");
			leases.put(leaseId, lease(leaseId, view, List.copyOf(event.scope()), now, ttl));
		}
		return leaseId;
	}

	/** Another operator (or the timeout) decides the request behind the console's back. */
	public synchronized void decidedElsewhere(String requestId, String status, String by) {
		Map<String, Object> view = requests.get(requestId);
		view.put("status", status);
		view.put("decidedAt", Instant.now().toString());
		view.put("decidedBy", by);
	}

	public Map<String, Object> request(String requestId) {
		return requests.get(requestId);
	}

	public Map<String, Object> lease(String leaseId) {
		return leases.get(leaseId);
	}

	public List<Map<String, Object>> leases() {
		return List.copyOf(leases.values());
	}

	public void chainIsValid() {
		Map<String, Object> valid = new LinkedHashMap<>();
		valid.put("valid", true);
		valid.put("entries", audit.size());
		valid.put("checkpoints", 1);
		valid.put("lastCheckpoint", Map.of("seq", 1, "hash", "ab12", "signedAt", "2026-01-01T00:00:00Z", "keyId", "k-1"));
		valid.put("firstBad", null);
		verification = valid;
	}

	public void chainIsBrokenAt(long seq, String reason) {
		Map<String, Object> broken = new LinkedHashMap<>();
		broken.put("valid", false);
		broken.put("entries", audit.size());
		broken.put("checkpoints", 1);
		broken.put("lastCheckpoint", null);
		broken.put("firstBad", Map.of("seq", seq, "reason", reason));
		verification = broken;
	}

	/** What reached the fake with {@code method} on a path starting with {@code pathPrefix}. */
	public List<Received> received(String method, String pathPrefix) {
		return received.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
	}

	// ---- HTTP -------------------------------------------------------------------------------------------------

	private static final String BASE = "/api/v1/credentials";

	private static final Pattern REQUEST = Pattern.compile(BASE + "/requests/([^/]+)(/approve|/deny)?");

	private static final Pattern LEASE_REVOKE = Pattern.compile(BASE + "/leases/([^/]+)/revoke");

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getRawPath();
			String query = exchange.getRequestURI().getRawQuery();
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			received.add(new Received(method, path, query, authorization,
					exchange.getRequestHeaders().getFirst("Content-Type"), body));
			Map<String, String> claims = claims(authorization);
			String tenant = claims.get("tenant");
			if (tenant == null) {
				problem(exchange, 401, "unauthorized", "Unauthorized", "a bearer token is required", Map.of());
				return;
			}
			Map<String, String> params = params(query);
			Matcher request = REQUEST.matcher(path);
			Matcher revoke = LEASE_REVOKE.matcher(path);
			if (method.equals("GET") && path.equals(BASE + "/requests")) {
				respond(exchange, 200, Map.of("requests", requests.values().stream()
					.filter(view -> tenant.equals(view.get("tenant")))
					.filter(view -> params.get("status") == null || params.get("status").equals(view.get("status")))
					.sorted(Comparator.comparing((Map<String, Object> view) -> (String) view.get("requestedAt")).reversed())
					.toList()));
			}
			else if (request.matches() && request.group(1).equals(FAILING_REQUEST)) {
				problem(exchange, 500, "internal", "Internal error", "connection to db failed: password "
						+ SECRET_IN_FAILURE, Map.of());
			}
			else if (request.matches() && request.group(1).equals(VERBOSE_REQUEST)) {
				problem(exchange, 409, "already-decided", "Already decided", "x".repeat(20_000), Map.of());
			}
			else if (method.equals("GET") && request.matches() && request.group(2) == null) {
				Map<String, Object> view = ownRequest(request.group(1), tenant);
				if (view == null) {
					requestNotFound(exchange, request.group(1));
				}
				else {
					respond(exchange, 200, view);
				}
			}
			else if (method.equals("POST") && request.matches() && request.group(2) != null) {
				decide(exchange, ownRequest(request.group(1), tenant), request.group(1), request.group(2).substring(1),
						body, claims.getOrDefault("sub", "operator"));
			}
			else if (method.equals("GET") && path.equals(BASE + "/leases")) {
				respond(exchange, 200, Map.of("leases", leases.values().stream()
					.filter(view -> tenant.equals(view.get("tenant")))
					.filter(view -> params.get("status") == null || params.get("status").equals(view.get("status")))
					.toList()));
			}
			else if (method.equals("POST") && revoke.matches()) {
				revoke(exchange, revoke.group(1), tenant, body, claims.getOrDefault("sub", "operator"));
			}
			else if (method.equals("GET") && path.equals(BASE + "/audit")) {
				long after = Long.parseLong(params.getOrDefault("after", "0"));
				int limit = Integer.parseInt(params.getOrDefault("limit", "100"));
				respond(exchange, 200, Map.of("entries", audit.stream()
					.filter(entry -> tenant.equals(entry.get("tenant")))
					.filter(entry -> ((Number) entry.get("seq")).longValue() > after)
					.limit(limit)
					.toList()));
			}
			else if (method.equals("GET") && path.equals(BASE + "/audit/verify")) {
				Map<String, Object> answer = new LinkedHashMap<>(verification);
				answer.put("entries", audit.size());
				respond(exchange, 200, answer);
			}
			else if (method.equals("GET") && path.equals(BASE + "/audit/keys")) {
				respond(exchange, 200, Map.of("keys", List.of()));
			}
			else {
				problem(exchange, 404, "not-found", "Not Found", "nothing at " + method + " " + path, Map.of());
			}
		}
	}

	private synchronized void decide(HttpExchange exchange, Map<String, Object> view, String requestId, String action,
			String body, String operator) throws IOException {
		if (view == null) {
			requestNotFound(exchange, requestId);
			return;
		}
		if (!"PENDING".equals(view.get("status"))) {
			problem(exchange, 409, "already-decided", "Already decided",
					"request " + requestId + " was already " + view.get("status") + " by " + view.get("decidedBy"),
					Map.of("requestStatus", view.get("status")));
			return;
		}
		Map<String, Object> decision = json.readValue(body, new TypeReference<Map<String, Object>>() {
		});
		Instant now = Instant.now();
		if (action.equals("deny")) {
			Object reason = decision.get("reason");
			if (!(reason instanceof String text) || text.isBlank()) {
				problem(exchange, 400, "invalid-decision", "Invalid decision", "a denial needs a reason",
						Map.of("field", "reason"));
				return;
			}
			view.put("status", "DENIED");
			view.put("reason", text);
		}
		else {
			@SuppressWarnings("unchecked")
			List<String> asked = (List<String>) view.get("scope");
			@SuppressWarnings("unchecked")
			List<String> granted = decision.get("scope") == null ? asked : (List<String>) decision.get("scope");
			List<String> notRequested = granted.stream().filter(scope -> !asked.contains(scope)).toList();
			if (!notRequested.isEmpty()) {
				problem(exchange, 422, "scope-not-requested", "Scope not requested",
						"the agent did not ask for " + String.join(", ", notRequested),
						Map.of("notRequested", notRequested));
				return;
			}
			Duration askedTtl = Duration.parse((String) view.get("ttl"));
			Duration ttl = decision.get("ttl") == null ? askedTtl : Duration.parse((String) decision.get("ttl"));
			if (ttl.compareTo(askedTtl) > 0) {
				problem(exchange, 422, "ttl-too-long", "Lifetime too long",
						"the lifetime may be at most " + askedTtl + ", not " + ttl, Map.of());
				return;
			}
			String leaseId = LeaseId.random().toString();
			view.put("status", "GRANTED");
			view.put("grantedScope", granted);
			view.put("leaseId", leaseId);
			view.put("reason", decision.get("note"));
			leases.put(leaseId, lease(leaseId, view, granted, now, ttl));
		}
		view.put("decidedAt", now.toString());
		view.put("decidedBy", operator);
		audit("decided", (String) view.get("tenant"), requestId, (String) view.get("leaseId"), operator,
				Map.of("status", view.get("status")));
		respond(exchange, 200, view);
	}

	private synchronized void revoke(HttpExchange exchange, String leaseId, String tenant, String body, String operator)
			throws IOException {
		Map<String, Object> lease = leases.get(leaseId);
		if (lease == null || !tenant.equals(lease.get("tenant"))) {
			problem(exchange, 404, "lease-not-found", "Lease not found", "there is no lease " + leaseId, Map.of());
			return;
		}
		if (!"REVOKED".equals(lease.get("status"))) {
			Map<String, Object> decision = json.readValue(body, new TypeReference<Map<String, Object>>() {
			});
			lease.put("status", "REVOKED");
			lease.put("revokedAt", Instant.now().toString());
			lease.put("revokedBy", operator);
			lease.put("reason", decision.get("reason"));
			audit("revoked", tenant, (String) lease.get("requestId"), leaseId, operator,
					Map.of("reason", String.valueOf(decision.get("reason"))));
		}
		respond(exchange, 200, lease);
	}

	private static Map<String, Object> lease(String leaseId, Map<String, Object> request, List<String> scope,
			Instant issuedAt, Duration ttl) {
		Map<String, Object> lease = new LinkedHashMap<>();
		lease.put("leaseId", leaseId);
		lease.put("requestId", request.get("requestId"));
		lease.put("status", "ACTIVE");
		lease.put("tenant", request.get("tenant"));
		lease.put("agentId", request.get("agentId"));
		lease.put("resource", request.get("resource"));
		lease.put("scope", scope);
		lease.put("issuedAt", issuedAt.toString());
		lease.put("expiresAt", issuedAt.plus(ttl).toString());
		lease.put("maxExpiresAt", issuedAt.plus(Duration.ofHours(1)).toString());
		lease.put("revokedAt", null);
		lease.put("revokedBy", null);
		lease.put("reason", null);
		return lease;
	}

	private Map<String, Object> ownRequest(String requestId, String tenant) {
		Map<String, Object> view = requests.get(requestId);
		return view != null && tenant.equals(view.get("tenant")) ? view : null;
	}

	private synchronized void audit(String kind, String tenant, String requestId, String leaseId, String actor,
			Map<String, Object> details) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("seq", audit.size() + 1);
		entry.put("recordedAt", Instant.now().toString());
		entry.put("kind", kind);
		entry.put("tenant", tenant);
		entry.put("requestId", requestId);
		entry.put("leaseId", leaseId);
		entry.put("actor", actor);
		entry.put("details", details);
		entry.put("hash", UUID.randomUUID().toString().replace("-", ""));
		audit.add(entry);
	}

	private Map<String, String> claims(String authorization) {
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return Map.of();
		}
		try {
			String[] parts = authorization.substring(7).split("\\.");
			Map<String, Object> claims = json.readValue(Base64.getUrlDecoder().decode(parts[1]),
					new TypeReference<Map<String, Object>>() {
					});
			Map<String, String> text = new LinkedHashMap<>();
			claims.forEach((name, value) -> text.put(name, String.valueOf(value)));
			return text;
		}
		catch (RuntimeException ex) {
			return Map.of();
		}
	}

	private static Map<String, String> params(String query) {
		Map<String, String> params = new LinkedHashMap<>();
		if (query != null) {
			for (String pair : query.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return params;
	}

	private void requestNotFound(HttpExchange exchange, String requestId) throws IOException {
		problem(exchange, 404, "credential-request-not-found", "Credential request not found",
				"there is no credential request " + requestId, Map.of());
	}

	private void problem(HttpExchange exchange, int status, String slug, String title, String detail,
			Map<String, Object> extra) throws IOException {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("type", "urn:colony:problem:" + slug);
		document.put("title", title);
		document.put("status", status);
		document.put("detail", detail);
		document.put("instance", exchange.getRequestURI().getPath());
		document.putAll(extra);
		send(exchange, status, "application/problem+json", json.writeValueAsBytes(document));
	}

	private void respond(HttpExchange exchange, int status, Object body) throws IOException {
		send(exchange, status, "application/json", json.writeValueAsBytes(body));
	}

	private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}

	/** Requests with their views, for assertions. */
	public List<Map<String, Object>> requests() {
		return new ArrayList<>(requests.values());
	}
}
