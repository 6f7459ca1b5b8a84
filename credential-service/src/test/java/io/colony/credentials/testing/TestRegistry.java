package io.colony.credentials.testing;

import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of the registry the credential service relies on, over HTTP: {@code GET /api/v1/registry/agents/{id}}
 * answers the agent's {@link AgentView} (with its keys) or {@code 404}.
 */
public final class TestRegistry implements AutoCloseable {

	private static final String PATH = "/api/v1/registry/agents/";

	private final HttpServer server;

	private final MessageCodec codec = new MessageCodec();

	private final Map<AgentId, List<AgentKey>> agents = new ConcurrentHashMap<>();

	private final AtomicInteger lookups = new AtomicInteger();

	private final java.util.Set<AgentId> failing = ConcurrentHashMap.newKeySet();

	private TestRegistry(HttpServer server) {
		this.server = server;
	}

	public static TestRegistry start() {
		try {
			TestRegistry registry = new TestRegistry(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
			registry.server.createContext(PATH, exchange -> {
				registry.lookups.incrementAndGet();
				AgentId id = AgentId.of(URLDecoder.decode(exchange.getRequestURI().getRawPath().substring(PATH.length()),
						StandardCharsets.UTF_8));
				if (registry.failing.contains(id)) {
					exchange.sendResponseHeaders(500, -1);
					exchange.close();
					return;
				}
				List<AgentKey> keys = registry.agents.get(id);
				byte[] body = keys == null ? new byte[0]
						: registry.codec.encode(new AgentView(id, "test-host", List.of(), 1, 0, "1",
								Instant.parse("2026-01-01T00:00:00Z"), Instant.now(), Instant.now().plusSeconds(60),
								keys));
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(keys == null ? 404 : 200, keys == null ? -1 : body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			registry.server.start();
			return registry;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** Lists {@code agentId} as live with {@code keys}. */
	public void register(AgentId agentId, AgentKey... keys) {
		agents.put(agentId, new ArrayList<>(List.of(keys)));
	}

	/** Marks one of the agent's keys revoked, as the registry serves it after an operator revoked it. */
	public void revoke(AgentId agentId, String keyId) {
		agents.computeIfPresent(agentId, (id, keys) -> keys.stream()
			.map(key -> key.keyId().equals(keyId)
					? new AgentKey(key.keyId(), key.algorithm(), key.publicKey(), key.createdAt(), Instant.now()) : key)
			.toList());
	}

	/** Answers {@code 500} for {@code agentId}, as a registry in trouble would. */
	public void failFor(AgentId agentId) {
		failing.add(agentId);
	}

	public int lookups() {
		return lookups.get();
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
