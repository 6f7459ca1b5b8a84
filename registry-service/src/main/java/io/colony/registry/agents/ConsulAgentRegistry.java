package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The registry on Consul's HTTP API. Each agent id is a service instance of {@code colony-agent} on the local
 * Consul agent, tagged {@code capability:<c>} and {@code type:<t>}, with its load in {@code Meta} and a TTL check
 * that each heartbeat passes; Consul marks it critical when a lease runs out and removes it after
 * {@code deregister-critical-after}. What Consul's service model does not hold (agent types with their models,
 * keys, {@code registeredAt}, the worker's {@code sentAt} for ordering) is the agent's card, JSON in KV under
 * {@code colony/agents/<id>}; cards are written with check-and-set, so a heartbeat never undoes a revocation
 * made at the same moment by another registry instance, and they outlive the service so that revocations
 * survive restarts.
 *
 * <p>Queries never go to Consul: two blocking-query loops (healthy instances, and cards) keep a local snapshot
 * that they replace whenever Consul reports a change. Writes are synchronous for the caller (the consumer acks
 * after them), on the JDK HTTP client; the loops hold no thread while they wait.
 */
final class ConsulAgentRegistry implements AgentRegistry, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ConsulAgentRegistry.class);

	static final String CARDS = "colony/agents/";

	private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

	private static final int CAS_ATTEMPTS = 10;

	/**
	 * What the registry keeps in KV about an agent.
	 *
	 * @param sentAt the worker's clock of the latest recorded beat, to order beats
	 */
	record AgentCard(AgentId agentId, String instance, List<AgentTypeDescriptor> agentTypes, int capacity,
			int inFlight, String version, Instant registeredAt, Instant sentAt, Instant lastSeen, Instant expiresAt,
			List<AgentKey> keys) {

		AgentCard {
			agentTypes = agentTypes == null ? List.of() : List.copyOf(agentTypes);
			keys = keys == null ? List.of() : List.copyOf(keys);
		}

		AgentView view() {
			return new AgentView(agentId, instance, agentTypes, capacity, inFlight, version, registeredAt, lastSeen,
					expiresAt, keys);
		}

		AgentCard withKeys(List<AgentKey> value) {
			return new AgentCard(agentId, instance, agentTypes, capacity, inFlight, version, registeredAt, sentAt,
					lastSeen, expiresAt, value);
		}

		/** What Consul's service registration holds; a change means registering again. */
		boolean sameRegistration(AgentCard other) {
			return other != null && java.util.Objects.equals(instance, other.instance)
					&& agentTypes.equals(other.agentTypes) && capacity == other.capacity
					&& inFlight == other.inFlight && java.util.Objects.equals(version, other.version)
					&& java.util.Objects.equals(Duration.between(lastSeen, expiresAt),
							Duration.between(other.lastSeen, other.expiresAt));
		}
	}

	/** A card as last read from Consul, with the KV index that check-and-set needs. */
	private record StoredCard(AgentCard card, long modifyIndex) {
	}

	private record Snapshot(Set<String> passing, Map<String, StoredCard> cards) {
	}

	private final ConsulProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	private final HttpClient http;

	private volatile Set<String> passing = Set.of();

	private final Map<String, StoredCard> cards = new ConcurrentHashMap<>();

	private final CompletableFuture<Void> firstHealth = new CompletableFuture<>();

	private final CompletableFuture<Void> firstCards = new CompletableFuture<>();

	private volatile boolean closed;

	ConsulAgentRegistry(ConsulProperties properties, JsonMapper json, Clock clock) {
		this.properties = properties;
		this.json = json;
		this.clock = clock;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.requestTimeout())
			.build();
	}

	/** Starts both watch loops and waits (at most {@code timeout}) until each has its first answer. */
	void start(Duration timeout) {
		watchHealth(0);
		watchCards(0);
		try {
			CompletableFuture.allOf(firstHealth, firstCards).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
			log.warn("Consul at {} did not answer within {}; the registry lists nobody until it does",
					properties.url(), timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stops the watch loops: their pending blocking queries are cancelled. */
	@Override
	public void close() {
		closed = true;
		http.shutdownNow();
	}

	@Override
	public boolean recordHeartbeat(AgentHeartbeat heartbeat, AgentLease lease) {
		String id = heartbeat.agentId().value();
		boolean[] applied = { false };
		AgentCard[] before = { null };
		AgentCard written = updateCard(heartbeat.agentId(), stored -> {
			before[0] = stored;
			List<AgentKey> keys = mergeKeys(stored == null ? List.of() : stored.keys(), heartbeat.keys());
			if (stored != null && stored.sentAt().isAfter(heartbeat.sentAt())) {
				applied[0] = false;
				return keys.equals(stored.keys()) ? null : stored.withKeys(keys);
			}
			applied[0] = true;
			Instant registeredAt = stored != null && AgentLease.isLive(stored.expiresAt(), lease.lastSeen())
					? stored.registeredAt() : lease.lastSeen();
			return new AgentCard(heartbeat.agentId(), heartbeat.instance(), heartbeat.agentTypes(),
					heartbeat.capacity(), heartbeat.inFlight(), heartbeat.version(), registeredAt, heartbeat.sentAt(),
					lease.lastSeen(), lease.expiresAt(), keys);
		});
		if (!applied[0]) {
			return false;
		}
		boolean expired = before[0] == null || !AgentLease.isLive(before[0].expiresAt(), lease.lastSeen());
		if (expired || !written.sameRegistration(before[0]) || !passCheck(id)) {
			register(written);
		}
		return true;
	}

	@Override
	public void remove(AgentId agentId, Instant departedAt) {
		StoredCard stored = readCard(agentId).orElse(null);
		if (departedAt != null && stored != null && stored.card().sentAt().isAfter(departedAt)) {
			return;
		}
		send(request("/v1/agent/service/deregister/" + encode(agentId.value())).PUT(HttpRequest.BodyPublishers.noBody()),
				"deregister " + agentId);
		Instant now = clock.instant();
		// the card stays (keys, revocations); its lease ends now, so a later beat starts a new registeredAt
		updateCard(agentId, card -> card == null || !card.expiresAt().isAfter(now) ? null
				: new AgentCard(card.agentId(), card.instance(), card.agentTypes(), card.capacity(), card.inFlight(),
						card.version(), card.registeredAt(), card.sentAt(), card.lastSeen(), now, card.keys()));
	}

	@Override
	public List<AgentView> live(AgentFilter filter, Instant now) {
		Snapshot snapshot = snapshot();
		return snapshot.passing()
			.stream()
			.map(snapshot.cards()::get)
			.filter(java.util.Objects::nonNull)
			.map(StoredCard::card)
			.filter(card -> matches(card, filter))
			.sorted(Comparator.comparing(card -> card.agentId().value()))
			.map(AgentCard::view)
			.toList();
	}

	@Override
	public Optional<AgentView> live(AgentId agentId, Instant now) {
		Snapshot snapshot = snapshot();
		if (!snapshot.passing().contains(agentId.value())) {
			return Optional.empty();
		}
		return Optional.ofNullable(snapshot.cards().get(agentId.value())).map(stored -> stored.card().view());
	}

	@Override
	public Optional<AgentKey> key(AgentId agentId, String keyId) {
		return readCard(agentId).stream()
			.flatMap(stored -> stored.card().keys().stream())
			.filter(key -> key.keyId().equals(keyId))
			.findFirst();
	}

	@Override
	public boolean revokeKey(AgentId agentId, String keyId, Instant revokedAt) {
		boolean[] revoked = { false };
		updateCard(agentId, card -> {
			revoked[0] = false;
			if (card == null) {
				return null;
			}
			List<AgentKey> keys = new ArrayList<>();
			for (AgentKey key : card.keys()) {
				if (key.keyId().equals(keyId) && !key.revoked()) {
					keys.add(new AgentKey(key.keyId(), key.algorithm(), key.publicKey(), key.createdAt(), revokedAt));
					revoked[0] = true;
				}
				else {
					keys.add(key);
				}
			}
			return revoked[0] ? card.withKeys(keys) : null;
		});
		return revoked[0];
	}

	/** Consul removes instances whose check stayed critical for {@code deregister-critical-after}. */
	@Override
	public int removeExpired(Instant now) {
		return 0;
	}

	/** Stored keys first, then the beat's new ones; a stored key keeps its createdAt and revokedAt. */
	static List<AgentKey> mergeKeys(List<AgentKey> stored, List<AgentKey> announced) {
		Map<String, AgentKey> merged = new LinkedHashMap<>();
		stored.forEach(key -> merged.put(key.keyId(), key));
		for (AgentKey key : announced) {
			merged.putIfAbsent(key.keyId(),
					new AgentKey(key.keyId(), key.algorithm(), key.publicKey(), key.createdAt(), null));
		}
		return List.copyOf(merged.values());
	}

	static boolean matches(AgentCard card, AgentFilter filter) {
		return card.agentTypes()
			.stream()
			.anyMatch(type -> (filter.type() == null || filter.type().equals(type.name()))
					&& (filter.capability() == null || filter.capability().equals(type.capability())))
				|| (filter.type() == null && filter.capability() == null);
	}

	private Snapshot snapshot() {
		return new Snapshot(passing, Map.copyOf(cards));
	}

	/**
	 * Reads, changes and writes the card with check-and-set until no other writer came in between.
	 *
	 * @param change the new card for the stored one (null when there is none); null to leave it as it is
	 * @return the card as it is stored afterwards, or null when there is none
	 */
	private AgentCard updateCard(AgentId agentId, UnaryOperator<AgentCard> change) {
		for (int attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
			Optional<StoredCard> stored = readCard(agentId);
			AgentCard current = stored.map(StoredCard::card).orElse(null);
			AgentCard changed = change.apply(current);
			if (changed == null) {
				return current;
			}
			long index = stored.map(StoredCard::modifyIndex).orElse(0L);
			HttpResponse<String> response = send(
					request(kvPath(agentId) + "?cas=" + index)
						.PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(changed))),
					"write the card of " + agentId);
			if ("true".equals(response.body().trim())) {
				// a lower bound of the new index: a watch answer read before this write cannot replace it
				cards.merge(agentId.value(), new StoredCard(changed, index + 1),
						(old, fresh) -> old.modifyIndex() > fresh.modifyIndex() ? old : fresh);
				return changed;
			}
		}
		throw new ConsulUnavailable("the card of " + agentId + " kept changing; gave up after " + CAS_ATTEMPTS
				+ " check-and-set attempts");
	}

	private Optional<StoredCard> readCard(AgentId agentId) {
		HttpResponse<String> response = send(request(kvPath(agentId)).GET(), "read the card of " + agentId);
		if (response.statusCode() == 404) {
			return Optional.empty();
		}
		return cardsOf(json.readTree(response.body())).values().stream().findFirst();
	}

	private void register(AgentCard card) {
		Map<String, Object> registration = new LinkedHashMap<>();
		registration.put("ID", card.agentId().value());
		registration.put("Name", properties.serviceName());
		Set<String> tags = new TreeSet<>();
		card.agentTypes().forEach(type -> {
			tags.add("capability:" + type.capability());
			tags.add("type:" + type.name());
		});
		registration.put("Tags", List.copyOf(tags));
		Map<String, String> meta = new LinkedHashMap<>();
		meta.put("capacity", Integer.toString(card.capacity()));
		meta.put("inFlight", Integer.toString(card.inFlight()));
		meta.put("version", card.version() == null ? "" : card.version());
		meta.put("instance", card.instance() == null ? "" : card.instance());
		registration.put("Meta", meta);
		Map<String, Object> check = new LinkedHashMap<>();
		check.put("CheckID", checkId(card.agentId().value()));
		check.put("Name", "colony heartbeat");
		check.put("TTL", goDuration(Duration.between(card.lastSeen(), card.expiresAt())));
		check.put("DeregisterCriticalServiceAfter", goDuration(properties.deregisterCriticalAfter()));
		check.put("Status", "passing");
		registration.put("Check", check);
		HttpResponse<String> response = send(request("/v1/agent/service/register")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(registration))), "register " + card.agentId());
		requireOk(response, "register " + card.agentId());
	}

	/** @return false when Consul does not know the check (e.g. it deregistered the instance meanwhile) */
	private boolean passCheck(String agentId) {
		HttpResponse<String> response = send(
				request("/v1/agent/check/pass/" + encode(checkId(agentId))).PUT(HttpRequest.BodyPublishers.noBody()),
				"pass the check of " + agentId);
		return response.statusCode() == 200;
	}

	private void watchHealth(long index) {
		if (closed) {
			return;
		}
		String path = "/v1/health/service/" + encode(properties.serviceName()) + "?passing=true" + blocking(index);
		http.sendAsync(request(path, properties.blockingWait().plus(properties.requestTimeout())).GET().build(),
				HttpResponse.BodyHandlers.ofString())
			.whenComplete((response, error) -> {
				if (error != null || response.statusCode() != 200) {
					retry("watching healthy agents", error, response, () -> watchHealth(0));
					return;
				}
				Set<String> ids = new TreeSet<>();
				for (JsonNode entry : json.readTree(response.body())) {
					ids.add(entry.path("Service").path("ID").asString());
				}
				passing = Set.copyOf(ids);
				firstHealth.complete(null);
				watchHealth(nextIndex(index, response));
			});
	}

	private void watchCards(long index) {
		if (closed) {
			return;
		}
		String path = "/v1/kv/" + CARDS + "?recurse=true" + blocking(index);
		http.sendAsync(request(path, properties.blockingWait().plus(properties.requestTimeout())).GET().build(),
				HttpResponse.BodyHandlers.ofString())
			.whenComplete((response, error) -> {
				if (error != null || (response.statusCode() != 200 && response.statusCode() != 404)) {
					retry("watching agent cards", error, response, () -> watchCards(0));
					return;
				}
				Map<String, StoredCard> read = response.statusCode() == 404 ? Map.of()
						: cardsOf(json.readTree(response.body()));
				read.forEach((id, fresh) -> cards.merge(id, fresh,
						(old, candidate) -> old.modifyIndex() > candidate.modifyIndex() ? old : candidate));
				cards.keySet().retainAll(read.keySet());
				firstCards.complete(null);
				watchCards(nextIndex(index, response));
			});
	}

	private void retry(String what, Throwable error, HttpResponse<String> response, Runnable again) {
		if (closed) {
			return;
		}
		log.warn("{} at {} failed ({}); retrying in {}", what, properties.url(),
				error != null ? error.toString() : "status " + response.statusCode(), RETRY_DELAY);
		CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS).execute(again);
	}

	/** Consul's rule: a smaller index than the last means its state was reset, so start over from 0. */
	private static long nextIndex(long previous, HttpResponse<String> response) {
		long index = response.headers().firstValueAsLong("X-Consul-Index").orElse(0);
		return index < previous ? 0 : index;
	}

	private String blocking(long index) {
		return index <= 0 ? "" : "&index=" + index + "&wait=" + properties.blockingWait().toSeconds() + "s";
	}

	/** KV entries of a GET (one key or a recurse) as cards by agent id; values are base64 as Consul sends them. */
	private Map<String, StoredCard> cardsOf(JsonNode entries) {
		Map<String, StoredCard> read = new HashMap<>();
		for (JsonNode entry : entries) {
			String value = entry.path("Value").asString(null);
			if (value == null) {
				continue;
			}
			try {
				AgentCard card = json.readValue(Base64.getDecoder().decode(value), AgentCard.class);
				read.put(card.agentId().value(), new StoredCard(card, entry.path("ModifyIndex").asLong(0)));
			}
			catch (RuntimeException ex) {
				log.warn("ignoring unreadable agent card {}: {}", entry.path("Key").asString(""), ex.toString());
			}
		}
		return read;
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String what) {
		try {
			return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).join();
		}
		catch (CompletionException ex) {
			throw new ConsulUnavailable("cannot " + what + " at " + properties.url() + ": " + ex.getCause(), ex);
		}
	}

	private static void requireOk(HttpResponse<String> response, String what) {
		if (response.statusCode() != 200) {
			throw new ConsulUnavailable("cannot " + what + ": Consul answered " + response.statusCode());
		}
	}

	private HttpRequest.Builder request(String path) {
		return request(path, properties.requestTimeout());
	}

	private HttpRequest.Builder request(String path, Duration timeout) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(properties.base() + path)).timeout(timeout);
		if (properties.token() != null) {
			builder.header("X-Consul-Token", properties.token());
		}
		return builder;
	}

	private static String kvPath(AgentId agentId) {
		return "/v1/kv/" + CARDS + encode(agentId.value());
	}

	static String checkId(String agentId) {
		return "service:" + agentId;
	}

	/** Consul reads durations as Go does: {@code 1500ms}. */
	static String goDuration(Duration duration) {
		return duration.toMillis() + "ms";
	}

	private static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
	}
}
