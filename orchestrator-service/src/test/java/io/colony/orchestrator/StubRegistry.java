package io.colony.orchestrator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that speaks {@code GET /api/v1/registry/agents?type=…} like the real one. Agent types starting
 * with {@code ghost-} have no live agent, types starting with {@code broken-} make it answer 503, and every
 * other type is served by one live agent under capability {@code <type>-cap}, announcing model {@code gpt-4o} for
 * types starting with {@code priced-} and the unpriced {@code sim} for the rest. A test may list other agents
 * for a type with {@link #serve}, which then answers for it instead (e.g. a {@code ghost-} type coming alive).
 */
final class StubRegistry implements AutoCloseable {

	/** A live agent serving the type on {@code capability}, with its load. */
	record Agent(String capability, int capacity, int inFlight) {
	}

	private final HttpServer server;

	private final Map<String, List<Agent>> served = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();

	private StubRegistry(HttpServer server) {
		this.server = server;
	}

	static StubRegistry start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			StubRegistry registry = new StubRegistry(server);
			server.createContext("/api/v1/registry/agents", registry::agents);
			server.start();
			return registry;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	static String capabilityOf(String agentType) {
		return agentType + "-cap";
	}

	/** From now on the registry lists these agents (one per entry, each with its own id) for {@code type}. */
	void serve(String type, Agent... agents) {
		served.put(type, List.of(agents));
	}

	/** How often the registry was asked about {@code type}. */
	int queries(String type) {
		AtomicInteger count = queries.get(type);
		return count == null ? 0 : count.get();
	}

	private void agents(HttpExchange exchange) throws IOException {
		String type = typeParameter(exchange.getRequestURI().getRawQuery());
		queries.computeIfAbsent(type, key -> new AtomicInteger()).incrementAndGet();
		List<Agent> listed = served.get(type);
		if (listed != null) {
			Instant now = Instant.now();
			StringBuilder body = new StringBuilder("{\"agents\":[");
			for (int i = 0; i < listed.size(); i++) {
				Agent agent = listed.get(i);
				body.append(i == 0 ? "" : ",").append("""
						{"agentId":"agent-%d","instance":"host:%d","agentTypes":[{"name":"%s","capability":"%s","model":"sim"}],
						"capacity":%d,"inFlight":%d,"version":"test","registeredAt":"%s","lastSeen":"%s","expiresAt":"%s"}
						""".formatted(i, i, type, agent.capability(), agent.capacity(), agent.inFlight(), now, now,
						now.plusSeconds(30)));
			}
			respond(exchange, 200, body.append("]}").toString());
			return;
		}
		if (type.startsWith("broken-")) {
			respond(exchange, 503, "{\"title\":\"unavailable\"}");
			return;
		}
		if (type.startsWith("ghost-")) {
			respond(exchange, 200, "{\"agents\":[]}");
			return;
		}
		Instant now = Instant.now();
		String model = type.startsWith("priced-") ? "gpt-4o" : "sim";
		respond(exchange, 200, """
				{"agents":[{"agentId":"agent-1","instance":"host:1","agentTypes":[{"name":"%s","capability":"%s","model":"%s"}],
				"capacity":100,"inFlight":0,"version":"test","registeredAt":"%s","lastSeen":"%s","expiresAt":"%s"}]}
				""".formatted(type, capabilityOf(type), model, now, now, now.plusSeconds(30)));
	}

	private static String typeParameter(String query) {
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.startsWith("type=")) {
					return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
				}
			}
		}
		return "";
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
