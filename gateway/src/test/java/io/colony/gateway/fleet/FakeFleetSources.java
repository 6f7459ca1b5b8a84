package io.colony.gateway.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the registry ({@code /api/v1/registry/agents}), the orchestrator's metrics
 * ({@code /actuator/prometheus}) and the credential service's pending requests ({@code /api/v1/credentials/requests},
 * which, like the real one, wants a bearer token). Each path can be made to fail, hang or answer garbage.
 */
final class FakeFleetSources implements AutoCloseable {

	static final String AGENTS = "/api/v1/registry/agents";

	static final String METRICS = "/actuator/prometheus";

	static final String REQUESTS = "/api/v1/credentials/requests";

	enum Behaviour {
		ANSWER, FAIL, HANG, GARBAGE
	}

	static final String METRICS_TEXT = """
			# HELP colony_jobs_active Jobs by status
			# TYPE colony_jobs_active gauge
			colony_jobs_active{application="orchestrator",status="SUCCEEDED"} 7.0
			colony_jobs_active{application="orchestrator",status="RUNNING"} 2.0
			colony_jobs_active{application="orchestrator",status="ACCEPTED"} 1.0
			# TYPE colony_jobs_stalled gauge
			colony_jobs_stalled{application="orchestrator"} 0.0
			jvm_threads_live_threads{application="orchestrator"} 42.0
			""";

	static final Instant NOW = Instant.parse("2025-11-21T10:00:00Z");

	static final AgentList TWO_WORKERS = new AgentList(List.of(
			new AgentView(AgentId.of("agent-b"), "worker-2", List.of(new AgentTypeDescriptor("summarizer", "summarizer", "default")),
					10000, 37, "1", NOW, NOW, NOW.plusSeconds(30)),
			new AgentView(AgentId.of("agent-a"), "worker-1",
					List.of(new AgentTypeDescriptor("summarizer", "summarizer", "default"),
							new AgentTypeDescriptor("operator", "operator", "default")),
					500, 12, "1", NOW, NOW.minusSeconds(3), NOW.plusSeconds(30))));

	/** Two pending requests, newest first as the credential service lists them. */
	static final String PENDING = """
			{"requests":[
			 {"requestId":"0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c001","status":"PENDING","tenant":"acme","agentId":"agent-a",
			  "jobId":"6f1c2f7e-5b2a-4f3e-8a51-0d6a3b1e2c01","taskId":"6f1c2f7e-5b2a-4f3e-8a51-0d6a3b1e2c02",
			  "resource":"inventory","scope":["inventory:write"],"ttl":"PT5M","justification":"restock",
			  "requestedAt":"2025-11-21T10:00:05Z","timesOutAt":"2025-11-21T10:15:05Z","unknownMember":1},
			 {"requestId":"0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c002","status":"PENDING","tenant":"acme","agentId":"agent-b",
			  "resource":"billing","scope":["billing:write"],"requestedAt":"2025-11-21T10:00:01Z",
			  "timesOutAt":"2025-11-21T10:15:01Z"}]}""";

	final Map<String, Behaviour> behaviour = new ConcurrentHashMap<>();

	volatile String metrics = METRICS_TEXT;

	/** The Authorization header of every call to the credential service, in order. */
	final List<String> credentialAuthorizations = new CopyOnWriteArrayList<>();

	private final MessageCodec codec = new MessageCodec();

	private final HttpServer server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	/** Released at close, so that hanging answers end with the server. */
	private final CountDownLatch closing = new CountDownLatch(1);

	private FakeFleetSources(HttpServer server) {
		this.server = server;
	}

	static FakeFleetSources start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeFleetSources sources = new FakeFleetSources(server);
			server.createContext("/", sources::handle);
			server.setExecutor(sources.threads);
			server.start();
			return sources;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	void reset() {
		behaviour.clear();
		metrics = METRICS_TEXT;
		credentialAuthorizations.clear();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			if (path.equals(REQUESTS)) {
				credentialAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			}
			switch (behaviour.getOrDefault(path, Behaviour.ANSWER)) {
				case FAIL -> {
					respond(exchange, 500, "text/plain", "internal details nobody should see");
					return;
				}
				case HANG -> {
					awaitClose();
					return;
				}
				case GARBAGE -> {
					respond(exchange, 200, "application/json", "{\"requests\": [1, 2");
					return;
				}
				case ANSWER -> {
				}
			}
			switch (path) {
				case AGENTS -> respond(exchange, 200, "application/json",
						new String(codec.encode(TWO_WORKERS), StandardCharsets.UTF_8));
				case METRICS -> respond(exchange, 200, "text/plain;version=0.0.4;charset=utf-8", metrics);
				case REQUESTS -> {
					String authorization = exchange.getRequestHeaders().getFirst("Authorization");
					String query = exchange.getRequestURI().getQuery();
					if (authorization == null || !authorization.startsWith("Bearer ")) {
						respond(exchange, 401, "application/problem+json", "{\"status\":401}");
					}
					else if (query == null || !query.contains("status=PENDING")) {
						respond(exchange, 400, "application/problem+json", "{\"status\":400}");
					}
					else {
						respond(exchange, 200, "application/json", PENDING);
					}
				}
				default -> respond(exchange, 404, "application/problem+json", "{\"status\":404}");
			}
		}
	}

	private void awaitClose() {
		try {
			closing.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		closing.countDown();
		server.stop(0);
		threads.shutdownNow();
	}
}
