package io.colony.credentials.signature;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An agent's public keys, as the registry serves them ({@code GET /api/v1/registry/agents/{id}}: live agents only,
 * every key with its {@code revokedAt}). Answers, "unknown agent" included, are reused for
 * {@code agent-key-cache-ttl}; a key id the cached answer does not list is asked for again (at most once a second
 * per agent), so that a freshly rotated key is found at once. {@link #forget} drops an agent's answer when the
 * registry announces a revocation.
 *
 * <p>Lookups block the calling (virtual) thread for at most {@code registry-timeout}.
 */
@Component
public class AgentKeyDirectory {

	private static final Duration MIN_REFRESH = Duration.ofSeconds(1);

	/** Bounds the cache against made-up agent ids; past it, expired answers are dropped, then everything. */
	private static final int MAX_ENTRIES = 10_000;

	private record Cached(Optional<AgentView> agent, Instant fetchedAt) {
	}

	private final HttpClient http;

	private final URI baseUrl;

	private final Duration timeout;

	private final Duration ttl;

	private final MessageCodec codec;

	private final Clock clock;

	private final Map<AgentId, Cached> cache = new ConcurrentHashMap<>();

	AgentKeyDirectory(SignatureProperties properties, MessageCodec codec, Clock clock) {
		String base = properties.registryUrl().toString();
		this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
		this.timeout = properties.registryTimeout();
		this.ttl = properties.agentKeyCacheTtl();
		this.codec = codec;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
	}

	/**
	 * The key {@code keyId} of {@code agentId}, revoked or not.
	 *
	 * @throws BadSignature when the registry knows no such (live) agent, or the agent no such key
	 * @throws RegistryUnavailable when the registry does not answer usably
	 */
	public AgentKey key(AgentId agentId, String keyId) {
		Instant now = clock.instant();
		Cached cached = cache.get(agentId);
		if (cached == null || !now.isBefore(cached.fetchedAt().plus(ttl))) {
			cached = fetch(agentId, now);
		}
		Optional<AgentKey> key = keyIn(cached, keyId);
		if (key.isEmpty() && !now.isBefore(cached.fetchedAt().plus(MIN_REFRESH))) {
			cached = fetch(agentId, now);
			key = keyIn(cached, keyId);
		}
		if (cached.agent().isEmpty()) {
			throw new BadSignature("the registry knows no live agent " + agentId);
		}
		return key.orElseThrow(() -> new BadSignature("agent " + agentId + " has no key " + keyId));
	}

	/** Drops what is known about {@code agentId}; the next message of the agent asks the registry again. */
	public void forget(AgentId agentId) {
		cache.remove(agentId);
	}

	private static Optional<AgentKey> keyIn(Cached cached, String keyId) {
		return cached.agent().flatMap(agent -> agent.keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst());
	}

	private Cached fetch(AgentId agentId, Instant now) {
		Cached fetched = new Cached(ask(agentId), now);
		if (cache.size() >= MAX_ENTRIES) {
			cache.values().removeIf(entry -> !now.isBefore(entry.fetchedAt().plus(ttl)));
			if (cache.size() >= MAX_ENTRIES) {
				cache.clear();
			}
		}
		if (!ttl.isZero()) {
			cache.put(agentId, fetched);
		}
		return fetched;
	}

	private Optional<AgentView> ask(AgentId agentId) {
		URI uri = baseUrl.resolve("api/v1/registry/agents/"
				+ URLEncoder.encode(agentId.value(), StandardCharsets.UTF_8).replace("+", "%20"));
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
			.build();
		HttpResponse<byte[]> response;
		try {
			response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new RegistryUnavailable("registry at " + baseUrl + " not reachable: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistryUnavailable("interrupted while asking the registry", ex);
		}
		return switch (response.statusCode()) {
			case 200 -> Optional.of(decode(agentId, response.body()));
			case 404 -> Optional.empty();
			default -> throw new RegistryUnavailable("registry answered " + response.statusCode() + " for agent "
					+ agentId, null);
		};
	}

	private AgentView decode(AgentId agentId, byte[] body) {
		try {
			return codec.decode(body, AgentView.class);
		}
		catch (RuntimeException ex) {
			throw new RegistryUnavailable("registry served no AgentView for agent " + agentId, ex);
		}
	}
}
