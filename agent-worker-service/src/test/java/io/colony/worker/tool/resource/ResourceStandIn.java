package io.colony.worker.tool.resource;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a resource's HTTP API under {@code /api} on 127.0.0.1 (random port): it honours a bearer token only
 * when the credential service's stand-in says the token is valid for this audience and the method's scope
 * ({@code <audience>:read} for GET and HEAD, {@code :write} otherwise), and records every call.
 */
final class ResourceStandIn implements AutoCloseable {

	/** Whether a token is good for a scope of this audience now. */
	@FunctionalInterface
	interface TokenCheck {

		boolean accepts(String token, String audience, String scope);
	}

	/** One call as the resource saw it; the token itself is not kept, only whether it was honoured. */
	record Call(String method, String pathAndQuery, String contentType, String body, boolean authorized) {
	}

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final String audience;

	private final TokenCheck tokens;

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private volatile CountDownLatch readsHeldUntil = new CountDownLatch(0);

	private volatile String readBody = "{\"items\":[{\"sku\":\"A1\",\"count\":3}]}";

	ResourceStandIn(String audience, TokenCheck tokens) throws IOException {
		this.audience = audience;
		this.tokens = tokens;
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setExecutor(executor);
		server.createContext("/api/", this::handle);
		server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
	}

	List<Call> calls() {
		return List.copyOf(calls);
	}

	/** Reads are answered only once {@code release} is counted down (or after a minute, failing the test's wait). */
	void holdReads(CountDownLatch release) {
		this.readsHeldUntil = release;
	}

	void readBody(String body) {
		this.readBody = body;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
			boolean read = method.equals("GET") || method.equals("HEAD");
			boolean authorized = tokens.accepts(token, audience, audience + (read ? ":read" : ":write"));
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			calls.add(new Call(method, exchange.getRequestURI().toString(),
					exchange.getRequestHeaders().getFirst("Content-Type"), body, authorized));
			if (!authorized) {
				send(exchange, 401, "{\"error\":\"invalid or missing token\"}");
				return;
			}
			if (read) {
				awaitRelease();
				send(exchange, 200, method.equals("HEAD") ? "" : readBody);
				return;
			}
			send(exchange, 201, "{\"created\":true}");
		}
	}

	private void awaitRelease() {
		try {
			readsHeldUntil.await(1, TimeUnit.MINUTES);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	@Override
	public void close() {
		server.stop(0);
		executor.shutdownNow();
	}
}
