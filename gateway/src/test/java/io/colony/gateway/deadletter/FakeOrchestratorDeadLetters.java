package io.colony.gateway.deadletter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the orchestrator's {@code /internal/v1/dead-letters} API: one dead letter {@link #KNOWN} of tenant
 * {@code acme} that is open, {@link #RESOLVED} that answers 409, anything else a 404 problem. Records every request it
 * receives, with the tenant and actor headers, so tests see what reached it and what did not.
 */
final class FakeOrchestratorDeadLetters implements AutoCloseable {

	static final String KNOWN = "11111111-1111-1111-1111-111111111111";

	static final String RESOLVED = "22222222-2222-2222-2222-222222222222";

	record Received(String method, String path, String query, String tenant, String actor, String contentType,
			String body) {
	}

	final List<Received> received = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private FakeOrchestratorDeadLetters(HttpServer server) {
		this.server = server;
	}

	static FakeOrchestratorDeadLetters start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeOrchestratorDeadLetters fake = new FakeOrchestratorDeadLetters(server);
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
		String path = exchange.getRequestURI().getRawPath();
		String tenant = exchange.getRequestHeaders().getFirst("X-Colony-Tenant");
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		received.add(new Received(method, path, exchange.getRequestURI().getRawQuery(), tenant,
				exchange.getRequestHeaders().getFirst("X-Colony-Actor"),
				exchange.getRequestHeaders().getFirst("Content-Type"), body));
		String base = "/internal/v1/dead-letters";
		boolean acme = "acme".equals(tenant);
		if (method.equals("GET") && path.equals(base)) {
			respond(exchange, 200, "{\"items\":[{\"id\":\"" + KNOWN + "\",\"tenant\":\"" + tenant + "\"}]}");
		}
		else if (method.equals("GET") && path.equals(base + "/" + KNOWN) && acme) {
			respond(exchange, 200, "{\"id\":\"" + KNOWN + "\",\"status\":\"OPEN\"}");
		}
		else if (method.equals("POST") && path.equals(base + "/replay")) {
			respond(exchange, 200, "{\"matched\":1,\"replayed\":1}");
		}
		else if (method.equals("POST") && path.equals(base + "/" + KNOWN + "/replay") && acme) {
			respond(exchange, 200, "{\"id\":\"" + KNOWN + "\",\"status\":\"REPLAYED\"}");
		}
		else if (method.equals("POST") && path.equals(base + "/" + KNOWN + "/discard") && acme) {
			respond(exchange, 200, "{\"id\":\"" + KNOWN + "\",\"status\":\"DISCARDED\"}");
		}
		else if (method.equals("POST") && path.equals(base + "/" + RESOLVED + "/replay") && acme) {
			problem(exchange, 409, "dead-letter-not-open", "dead letter " + RESOLVED + " is REPLAYED, not OPEN");
		}
		else {
			problem(exchange, 404, "dead-letter-not-found", "no dead letter");
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
