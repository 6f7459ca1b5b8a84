package io.colony.gateway.resident;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the resident service's {@code /internal/v1/agents} API: tenant {@code acme} has one agent
 * {@link #KNOWN} (with one timer {@link #TIMER}); creating an agent named {@link #TAKEN} is a 409 {@code agent-exists};
 * anything about another agent, or about {@link #KNOWN} for another tenant, is a 404 {@code agent-not-found}.
 * Records every request it receives, with the tenant header, so tests see what reached it and what did not.
 */
final class FakeResidentService implements AutoCloseable {

	static final String KNOWN = "coach:user-1@example.com";

	static final String TAKEN = "taken";

	static final String TIMER = "7b7f4c1e-0000-4000-8000-000000000001";

	static final String BASE = "/internal/v1/agents";

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	record Received(String method, String path, String query, String tenant, String contentType, String body) {
	}

	final List<Received> received = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private FakeResidentService(HttpServer server) {
		this.server = server;
	}

	static FakeResidentService start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeResidentService fake = new FakeResidentService(server);
			server.createContext("/", fake::handle);
			server.start();
			return fake;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		// decoded, as the resident service's path variables are: the gateway encodes ':' and '@' of an id
		String path = exchange.getRequestURI().getPath();
		String tenant = exchange.getRequestHeaders().getFirst("X-Colony-Tenant");
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		received.add(new Received(method, path, exchange.getRequestURI().getRawQuery(), tenant,
				exchange.getRequestHeaders().getFirst("Content-Type"), body));
		boolean known = "acme".equals(tenant);
		String agent = BASE + "/" + KNOWN;
		if (method.equals("POST") && path.equals(BASE)) {
			Matcher id = ID.matcher(body);
			String name = id.find() ? id.group(1) : "generated-1";
			if (name.equals(TAKEN)) {
				problem(exchange, 409, "agent-exists", "agent taken exists");
			}
			else if (!body.contains("\"type\"")) {
				problem(exchange, 400, "invalid-agent", "type is required");
			}
			else {
				respond(exchange, 201, "{\"id\":\"" + name + "\",\"type\":\"coach\",\"createdAt\":\"2026-11-21T10:00:00Z\"}");
			}
		}
		else if (method.equals("POST") && path.equals(BASE + "/bulk")) {
			respond(exchange, 201, "{\"created\":2,\"ids\":[\"a-1\",\"a-2\"]}");
		}
		else if (method.equals("GET") && path.equals(BASE)) {
			respond(exchange, 200, "{\"items\":[{\"id\":\"" + KNOWN + "\",\"type\":\"coach\"}],\"next\":null}");
		}
		else if (method.equals("GET") && path.equals(agent) && known) {
			respond(exchange, 200, "{\"id\":\"" + KNOWN + "\",\"type\":\"coach\",\"messages\":3,\"timers\":1}");
		}
		else if (method.equals("DELETE") && path.equals(agent) && known) {
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		}
		else if (method.equals("POST") && path.equals(agent + "/messages") && known) {
			respond(exchange, 202, "{\"messageId\":\"6a0c2d52-2b1a-4a53-9d0e-6f1f2a3b4c5d\"}");
		}
		else if (method.equals("POST") && path.equals(agent + "/timers") && known) {
			respond(exchange, 201, "{\"timerId\":\"" + TIMER + "\",\"fireAt\":\"2026-11-21T10:10:00Z\"}");
		}
		else if (method.equals("GET") && path.equals(agent + "/timers") && known) {
			respond(exchange, 200, "{\"items\":[{\"timerId\":\"" + TIMER + "\"}]}");
		}
		else if (method.equals("DELETE") && path.equals(agent + "/timers/" + TIMER) && known) {
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		}
		else {
			problem(exchange, 404, "agent-not-found", "no agent");
		}
	}

	private static void problem(HttpExchange exchange, int status, String slug, String detail) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
		write(exchange, status, "{\"type\":\"urn:colony:problem:" + slug + "\",\"title\":\"t\",\"status\":" + status
				+ ",\"detail\":\"" + detail + "\"}");
	}

	private static void respond(HttpExchange exchange, int status, String json) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		write(exchange, status, json);
	}

	private static void write(HttpExchange exchange, int status, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
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
