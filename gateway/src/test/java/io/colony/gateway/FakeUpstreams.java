package io.colony.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentList;
import io.colony.contracts.JobId;
import io.colony.contracts.JobView;
import io.colony.contracts.ResultsPage;
import io.colony.contracts.TenantId;
import io.colony.contracts.TenantUsage;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.MessageCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the query APIs of the orchestrator ({@code /internal/v1/jobs/{id}}), the aggregator
 * ({@code .../results}, {@code /internal/v1/usage}) and the registry ({@code /api/v1/registry/agents}, its key
 * revocation and rotation), enforcing the tenant header like the real services do.
 */
final class FakeUpstreams implements AutoCloseable {

	record Stored(TenantId tenant, JobView view) {
	}

	final Map<String, Stored> jobs = new ConcurrentHashMap<>();

	/** Tenant usage by tenant; a tenant without an entry has used nothing. */
	final Map<String, TenantUsage> usage = new ConcurrentHashMap<>();

	/** Every request as "METHOD path?query tenant=…", in arrival order. */
	final List<String> requests = new CopyOnWriteArrayList<>();

	private final MessageCodec codec = new MessageCodec();

	private final HttpServer server;

	private FakeUpstreams(HttpServer server) {
		this.server = server;
	}

	static FakeUpstreams start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeUpstreams upstreams = new FakeUpstreams(server);
			server.createContext("/", upstreams::handle);
			server.start();
			return upstreams;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	void put(JobView view, TenantId tenant) {
		jobs.put(view.jobId().toString(), new Stored(tenant, view));
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			String query = exchange.getRequestURI().getRawQuery();
			String tenant = exchange.getRequestHeaders().getFirst("X-Colony-Tenant");
			requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query) + " tenant=" + tenant);
			if (path.equals("/internal/v1/usage")) {
				if (tenant == null) {
					respond(exchange, 400, "{\"status\":400}".getBytes(StandardCharsets.UTF_8));
					return;
				}
				respond(exchange, 200, codec.encode(usage.getOrDefault(tenant,
						new TenantUsage(TenantId.of(tenant), Usage.NONE, 0, null))));
				return;
			}
			if (path.equals("/api/v1/registry/agents")) {
				respond(exchange, 200, codec.encode(new AgentList(List.of())));
				return;
			}
			if (exchange.getRequestMethod().equals("POST") && path.startsWith("/api/v1/registry/agents/")) {
				if (path.endsWith("/keys/rotate")) {
					exchange.sendResponseHeaders(202, -1);
					return;
				}
				if (path.endsWith("/revoke")) {
					respond(exchange, 200, "{\"agentId\":\"a-1\",\"keys\":[]}".getBytes(StandardCharsets.UTF_8));
					return;
				}
			}
			if (path.startsWith("/internal/v1/jobs/")) {
				String rest = path.substring("/internal/v1/jobs/".length());
				boolean results = rest.endsWith("/results");
				String id = results ? rest.substring(0, rest.length() - "/results".length()) : rest;
				Stored stored = jobs.get(id);
				if (stored == null || !stored.tenant().value().equals(tenant)) {
					notFound(exchange);
					return;
				}
				respond(exchange, 200, results ? codec.encode(new ResultsPage(JobId.parse(id), 0, 100, 0, List.of()))
						: codec.encode(stored.view()));
				return;
			}
			notFound(exchange);
		}
	}

	private static void notFound(HttpExchange exchange) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
		byte[] body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}".getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(404, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
