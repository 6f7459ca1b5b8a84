package io.colony.registry.agents;

import io.colony.contracts.AgentDeparted;
import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentKeyRotationRequested;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.contracts.Destinations;
import io.colony.contracts.RegistryEvent;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry against the real broker and database: heartbeats and departures published as workers
 * publish them, read back over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "colony.registry.sweep-interval=PT0.5S")
class AgentRegistryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration LONG_TTL = Duration.ofMinutes(5);

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final TestIssuer issuer = TestIssuer.start();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer::jwksUrl);
	}

	@AfterAll
	static void cleanUp() {
		issuer.close();
		env.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AmqpAdmin amqpAdmin;

	@Autowired
	MessageCodec codec;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	RestClient http;

	/** Unique per test, so tests sharing the context never see each other's agents or types. */
	String run;

	@BeforeEach
	void setUp() {
		http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/api/v1/registry/agents")
			.defaultHeader("Authorization", issuer.bearer("registry:read registry:write"))
			.defaultStatusHandler(status -> true, (request, response) -> {
			})
			.build();
		run = UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void heartbeatIsListedWithItsTypesCapacityAndLoad() {
		AgentId id = AgentId.of("worker-" + run);
		List<AgentTypeDescriptor> types = List.of(new AgentTypeDescriptor("summarizer-" + run, "sum-" + run, "sim"),
				new AgentTypeDescriptor("translator-" + run, "tr-" + run, "gpt"));
		publish(new AgentHeartbeat(id, "host-a:42", types, 50, 3, "1.2.3", LONG_TTL, Instant.now()));

		AgentView listed = awaitListed(id);

		assertThat(listed.instance()).isEqualTo("host-a:42");
		assertThat(listed.agentTypes()).containsExactlyElementsOf(types);
		assertThat(listed.capacity()).isEqualTo(50);
		assertThat(listed.inFlight()).isEqualTo(3);
		assertThat(listed.version()).isEqualTo("1.2.3");
		assertThat(listed.registeredAt()).isEqualTo(listed.lastSeen());
		assertThat(Duration.between(listed.lastSeen(), listed.expiresAt())).isEqualTo(LONG_TTL);
		ResponseEntity<AgentView> one = http.get().uri("/{id}", id.value()).retrieve().toEntity(AgentView.class);
		assertThat(one.getStatusCode().value()).isEqualTo(200);
		assertThat(one.getBody()).isEqualTo(listed);
	}

	@Test
	void listIsFilteredByTypeAndCapabilityAndOrderedByAgentId() {
		AgentTypeDescriptor reviewer = new AgentTypeDescriptor("reviewer-" + run, "review-" + run, "sim");
		AgentTypeDescriptor coder = new AgentTypeDescriptor("coder-" + run, "code-" + run, "sim");
		AgentId reviewerAndCoder = AgentId.of("a-" + run);
		AgentId coderOnly = AgentId.of("b-" + run);
		publish(new AgentHeartbeat(coderOnly, "h2", List.of(coder), 5, 0, "1", LONG_TTL, Instant.now()));
		publish(new AgentHeartbeat(reviewerAndCoder, "h1", List.of(reviewer, coder), 5, 1, "1", LONG_TTL,
				Instant.now()));
		awaitListed(reviewerAndCoder);
		awaitListed(coderOnly);

		assertThat(ids(list("?type={t}", reviewer.name()))).containsExactly(reviewerAndCoder);
		assertThat(ids(list("?capability={c}", coder.capability()))).containsExactly(reviewerAndCoder, coderOnly);
		assertThat(ids(list("?type={t}&capability={c}", coder.name(), coder.capability())))
			.containsExactly(reviewerAndCoder, coderOnly);
		assertThat(ids(list("?type={t}&capability={c}", reviewer.name(), coder.capability())))
			.as("type and capability must match the same agent type")
			.isEmpty();
		assertThat(ids(list("?capability={c}", "nobody-" + run))).isEmpty();
	}

	@Test
	void malformedCapabilityFilterIsABadRequestProblem() {
		ResponseEntity<String> response = http.get()
			.uri("?capability={c}", "Not Valid")
			.retrieve()
			.toEntity(String.class);

		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(response.getBody()).contains("invalid capability 'Not Valid'").doesNotContain("Exception");
	}

	@Test
	void unknownAgentIsANotFoundProblem() {
		ResponseEntity<String> response = http.get().uri("/{id}", "nobody-" + run).retrieve().toEntity(String.class);

		assertThat(response.getStatusCode().value()).isEqualTo(404);
		assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(response.getBody()).contains("no live agent 'nobody-" + run + "'");
	}

	@Test
	void entryWithoutFollowUpHeartbeatExpiresAndIsSwept() {
		AgentId id = AgentId.of("short-" + run);
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", Duration.ofSeconds(2), Instant.now()));
		AgentView listed = awaitListed(id);
		assertThat(Duration.between(listed.lastSeen(), listed.expiresAt())).isEqualTo(Duration.ofSeconds(2));

		Await.until(WAIT, "expired agent " + id + " no longer listed", () -> !ids(list("")).contains(id));
		assertThat(http.get().uri("/{id}", id.value()).retrieve().toBodilessEntity().getStatusCode().value())
			.isEqualTo(404);
		Await.until(WAIT, "expired agent " + id + " deleted by the sweeper", () -> storedRows(id) == 0);
	}

	@Test
	void departedAgentIsGoneAtOnce() {
		AgentId id = AgentId.of("leaving-" + run);
		Instant sent = Instant.now();
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, sent));
		awaitListed(id);

		publish(new AgentDeparted(id, sent.plusMillis(1)));

		Await.until(Duration.ofSeconds(10), "departed agent " + id + " deleted", () -> storedRows(id) == 0);
		assertThat(ids(list(""))).doesNotContain(id);
	}

	@Test
	void olderHeartbeatDeliveredLateDoesNotRollTheEntryBack() {
		AgentId id = AgentId.of("ordered-" + run);
		Instant sent = Instant.now();
		publish(new AgentHeartbeat(id, "h", List.of(), 10, 3, "2.0", LONG_TTL, sent));
		AgentView first = awaitListed(id);

		publish(new AgentHeartbeat(id, "h", List.of(), 99, 9, "1.0", LONG_TTL, sent.minusSeconds(30)));
		AgentId marker = AgentId.of("marker-" + run);
		publish(new AgentHeartbeat(marker, "h", List.of(), 1, 0, "1", LONG_TTL, Instant.now()));
		awaitListed(marker);

		AgentView afterStale = find(id).orElseThrow();
		assertThat(afterStale).isEqualTo(first);

		publish(new AgentHeartbeat(id, "h", List.of(), 10, 5, "2.0", LONG_TTL, sent.plusSeconds(1)));
		AgentView refreshed = Await.untilValue(WAIT, "newer heartbeat of " + id + " recorded",
				() -> find(id).orElseThrow(), view -> view.inFlight() == 5);
		assertThat(refreshed.lastSeen()).isAfter(first.lastSeen());
		assertThat(refreshed.expiresAt()).isAfter(first.expiresAt());
		assertThat(refreshed.registeredAt()).as("registeredAt kept from the first beat").isEqualTo(first.registeredAt());
	}

	@Test
	void invalidMessagesAreDeadLetteredWithTheirReasonAndUnknownEventsIgnored() {
		UUID unknown = publishRaw(Map.of("type", "AgentRenamed", "agentId", "x-" + run));
		Map<String, Object> malformed = new LinkedHashMap<>();
		malformed.put("type", "AgentHeartbeat");
		malformed.put("agentId", "m-" + run);
		malformed.put("capacity", "lots");
		UUID undecodable = publishRaw(malformed);
		UUID badCapability = publish(new AgentHeartbeat(AgentId.of("c-" + run), "h",
				List.of(new AgentTypeDescriptor("writer", "Bad Capability", "sim")), 1, 0, "1", LONG_TTL,
				Instant.now()));
		UUID negativeCapacity = publish(
				new AgentHeartbeat(AgentId.of("n-" + run), "h", List.of(), -1, 0, "1", LONG_TTL, Instant.now()));
		Map<String, Object> blankId = new LinkedHashMap<>(Map.of("type", "AgentHeartbeat", "agentId", " ",
				"capacity", 1, "inFlight", 0, "ttl", "PT1M", "sentAt", Instant.now().toString()));
		UUID blankAgentId = publishRaw(blankId);

		Map<UUID, String> reasons = new HashMap<>();
		Await.until(WAIT, "four dead letters in " + dlq(), () -> {
			Message message;
			while ((message = rabbit.receive(dlq())) != null) {
				reasons.put(UUID.fromString(message.getMessageProperties().getMessageId()),
						String.valueOf(message.getMessageProperties().getHeaders().get(Headers.DEATH_REASON)));
			}
			return reasons.keySet().containsAll(List.of(undecodable, badCapability, negativeCapacity, blankAgentId));
		});

		assertThat(reasons.get(undecodable)).startsWith("not a valid RegistryEvent");
		assertThat(reasons.get(badCapability)).contains("invalid capability 'Bad Capability'");
		assertThat(reasons.get(negativeCapacity)).contains("negative capacity -1");
		assertThat(reasons.get(blankAgentId)).contains("AgentId must not be blank");
		assertThat(reasons).as("the unknown event, published first, was acked, not dead-lettered")
			.doesNotContainKey(unknown);
		assertThat(ids(list(""))).doesNotContain(AgentId.of("c-" + run), AgentId.of("n-" + run));
	}

	@Test
	void keysAreListedWithTheFirstAnnouncementsCreatedAtAndKeptAfterExpiry() {
		AgentId id = AgentId.of("keyed-" + run);
		AgentKey first = key("k1-" + run, Instant.parse("2026-01-01T00:00:00Z"));
		AgentKey second = key("k2-" + run, Instant.parse("2026-01-02T00:00:00Z"));
		Instant sent = Instant.now();
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, sent, List.of(first)));
		assertThat(awaitListed(id).keys()).containsExactly(first);

		AgentKey firstAgainLater = new AgentKey(first.keyId(), first.algorithm(), first.publicKey(),
				Instant.parse("2026-03-01T00:00:00Z"), null);
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, sent.plusSeconds(1),
				List.of(firstAgainLater, second)));
		AgentView both = Await.untilValue(WAIT, "second key of " + id + " listed", () -> find(id).orElseThrow(),
				view -> view.keys().size() == 2);
		assertThat(both.keys()).as("oldest first; a repeated key keeps its first createdAt")
			.containsExactly(first, second);

		publish(new AgentDeparted(id, sent.plusSeconds(2)));
		Await.until(WAIT, "departed agent " + id + " deleted", () -> storedRows(id) == 0);
		assertThat(jdbc.queryForObject("select count(*) from agent_keys where agent_id = ?", Integer.class, id.value()))
			.as("keys outlive the entry")
			.isEqualTo(2);
	}

	@Test
	void revokingAKeyPublishesOnceAndSurvivesTheAgentsRestart() {
		Queue events = listenToKeyEvents();
		AgentId id = AgentId.of("revoked-" + run);
		AgentKey key = key("k-" + run, Instant.parse("2026-01-01T00:00:00Z"));
		Instant sent = Instant.now();
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, sent, List.of(key)));
		awaitListed(id);

		ResponseEntity<AgentView> revoked = revoke(id, key.keyId());

		assertThat(revoked.getStatusCode().value()).isEqualTo(200);
		AgentKey revokedKey = revoked.getBody().keys().getFirst();
		assertThat(revokedKey.keyId()).isEqualTo(key.keyId());
		assertThat(revokedKey.revokedAt()).isNotNull();
		AgentKeyRevoked event = (AgentKeyRevoked) receive(events);
		assertThat(event).isEqualTo(new AgentKeyRevoked(id, key.keyId(), revokedKey.revokedAt()));

		ResponseEntity<AgentView> again = revoke(id, key.keyId());
		assertThat(again.getStatusCode().value()).as("revoking twice is idempotent").isEqualTo(200);
		assertThat(again.getBody().keys().getFirst().revokedAt()).isEqualTo(revokedKey.revokedAt());

		publish(new AgentDeparted(id, sent.plusSeconds(1)));
		Await.until(WAIT, "departed agent " + id + " deleted", () -> storedRows(id) == 0);
		publish(new AgentHeartbeat(id, "h2", List.of(), 1, 0, "1", LONG_TTL, sent.plusSeconds(2), List.of(key)));
		AgentView back = Await.untilValue(WAIT, "agent " + id + " back", () -> find(id),
				view -> view.filter(v -> "h2".equals(v.instance())).isPresent()).orElseThrow();
		assertThat(back.keys()).as("the same key announced again stays revoked")
			.containsExactly(revokedKey);
		assertThat(rabbit.receive(events.getName(), 300)).as("no second AgentKeyRevoked").isNull();
	}

	@Test
	void keyOperationsNeedATokenWithScopeRegistryWriteWhileReadsAreOpen() {
		AgentId id = AgentId.of("guarded-" + run);
		AgentKey key = key("g-" + run, Instant.now());
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, Instant.now(), List.of(key)));
		awaitListed(id);
		RestClient anonymous = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/api/v1/registry/agents")
			.defaultStatusHandler(status -> true, (request, response) -> {
			})
			.build();

		ResponseEntity<String> noToken = anonymous.post().uri("/{id}/keys/{key}/revoke", id.value(), key.keyId())
			.retrieve().toEntity(String.class);
		ResponseEntity<String> readOnly = anonymous.post().uri("/{id}/keys/rotate", id.value())
			.header("Authorization", issuer.bearer("registry:read"))
			.retrieve().toEntity(String.class);
		ResponseEntity<String> forged;
		try (TestIssuer stranger = TestIssuer.start()) {
			forged = anonymous.post().uri("/{id}/keys/rotate", id.value())
				.header("Authorization", stranger.bearer("registry:write"))
				.retrieve().toEntity(String.class);
		}
		ResponseEntity<String> read = anonymous.get().uri("/{id}", id.value()).retrieve().toEntity(String.class);

		assertThat(noToken.getStatusCode().value()).isEqualTo(401);
		assertThat(noToken.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
		assertThat(readOnly.getStatusCode().value()).isEqualTo(403);
		assertThat(forged.getStatusCode().value()).as("a token signed by another key").isEqualTo(401);
		assertThat(read.getStatusCode().value()).isEqualTo(200);
		assertThat(awaitListed(id).keys()).singleElement().satisfies(k -> assertThat(k.revokedAt()).isNull());
	}

	@Test
	void revokingAnUnknownKeyOrAgentIsANotFoundProblem() {
		AgentId id = AgentId.of("unknown-key-" + run);
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, Instant.now(),
				List.of(key("k-" + run, Instant.now()))));
		awaitListed(id);

		ResponseEntity<String> unknownKey = http.post()
			.uri("/{id}/keys/{key}/revoke", id.value(), "nope")
			.retrieve()
			.toEntity(String.class);
		ResponseEntity<String> unknownAgent = http.post()
			.uri("/{id}/keys/{key}/revoke", "nobody-" + run, "k-" + run)
			.retrieve()
			.toEntity(String.class);

		assertThat(unknownKey.getStatusCode().value()).isEqualTo(404);
		assertThat(unknownKey.getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(unknownKey.getBody()).contains("has no key 'nope'");
		assertThat(unknownAgent.getStatusCode().value()).isEqualTo(404);
		assertThat(unknownAgent.getBody()).contains("no live agent 'nobody-" + run + "'");
	}

	@Test
	void rotationIsPublishedForALiveAgentOnly() {
		Queue events = listenToKeyEvents();
		AgentId id = AgentId.of("rotating-" + run);
		publish(new AgentHeartbeat(id, "h", List.of(), 1, 0, "1", LONG_TTL, Instant.now()));
		awaitListed(id);

		ResponseEntity<Void> accepted = http.post().uri("/{id}/keys/rotate", id.value()).retrieve().toBodilessEntity();
		ResponseEntity<Void> unknown = http.post().uri("/{id}/keys/rotate", "nobody-" + run).retrieve().toBodilessEntity();

		assertThat(accepted.getStatusCode().value()).isEqualTo(202);
		assertThat(unknown.getStatusCode().value()).isEqualTo(404);
		assertThat(receive(events)).isInstanceOfSatisfying(AgentKeyRotationRequested.class,
				rotation -> assertThat(rotation.agentId()).isEqualTo(id));
		assertThat(rabbit.receive(events.getName(), 300)).as("one request, one event").isNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void theOpenApiDocumentDescribesEveryEndpoint() {
		ResponseEntity<String> served = RestClient.create()
			.get()
			.uri("http://127.0.0.1:" + port + "/api/v1/registry/openapi.yaml")
			.retrieve()
			.toEntity(String.class);
		assertThat(served.getStatusCode().value()).isEqualTo(200);
		Map<String, Object> document = new Yaml().load(served.getBody());
		assertThat(String.valueOf(document.get("openapi"))).startsWith("3.");
		Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");

		Set<String> endpoints = new TreeSet<>();
		mappings.getHandlerMethods().forEach((info, method) -> {
			if (method.getBeanType().getPackageName().startsWith("io.colony.registry")) {
				for (String pattern : info.getPatternValues()) {
					for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
						endpoints.add(verb.name().toLowerCase() + " " + pattern);
					}
				}
			}
		});
		Set<String> described = paths.entrySet()
			.stream()
			.flatMap(path -> path.getValue().keySet().stream().map(verb -> verb + " " + path.getKey()))
			.collect(Collectors.toSet());
		assertThat(endpoints).as("the controllers' endpoints").hasSizeGreaterThanOrEqualTo(4);
		assertThat(described).containsAll(endpoints);
	}

	private static AgentKey key(String keyId, Instant createdAt) {
		return new AgentKey(keyId, AgentKey.ED25519, "MCowBQYDK2VwAyEA" + keyId, createdAt, null);
	}

	private ResponseEntity<AgentView> revoke(AgentId id, String keyId) {
		return http.post().uri("/{id}/keys/{key}/revoke", id.value(), keyId).retrieve().toEntity(AgentView.class);
	}

	/** A private queue bound to the registry's key events, as a verifier would bind one. */
	private Queue listenToKeyEvents() {
		// not auto-delete: receive() consumes and cancels, which would delete it; the vhost goes after the tests
		Queue queue = new Queue("key-events-" + UUID.randomUUID(), false, false, false);
		amqpAdmin.declareQueue(queue);
		TopicExchange exchange = new TopicExchange(Destinations.REGISTRY);
		amqpAdmin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(Destinations.AGENT_KEY_REVOKED));
		amqpAdmin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(Destinations.AGENT_KEY_ROTATION));
		return queue;
	}

	private RegistryEvent receive(Queue queue) {
		Message message = rabbit.receive(queue.getName(), WAIT.toMillis());
		assertThat(message).as("an event on " + queue.getName()).isNotNull();
		return codec.decode(message.getBody(), RegistryEvent.class);
	}

	private static String dlq() {
		return Destinations.deadLetterQueue(Destinations.REGISTRY_AGENTS_QUEUE);
	}

	private UUID publish(Object event) {
		String routingKey = event instanceof AgentDeparted ? Destinations.AGENT_DEPARTED : Destinations.AGENT_HEARTBEAT;
		Outgoing outgoing = Outgoing.to(Destinations.REGISTRY, routingKey, event);
		publisher.publish(outgoing).join();
		return outgoing.messageId();
	}

	/** Publishes a JSON object as it is, for messages the wire types cannot express. */
	private UUID publishRaw(Map<String, Object> body) {
		Outgoing outgoing = Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT, body);
		publisher.publish(outgoing).join();
		return outgoing.messageId();
	}

	private AgentList list(String query, Object... values) {
		ResponseEntity<AgentList> response = http.get().uri(query, values).retrieve().toEntity(AgentList.class);
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		return response.getBody();
	}

	private Optional<AgentView> find(AgentId id) {
		return list("").agents().stream().filter(agent -> agent.agentId().equals(id)).findFirst();
	}

	private AgentView awaitListed(AgentId id) {
		return Await.untilValue(WAIT, "agent " + id + " listed", () -> find(id), Optional::isPresent).orElseThrow();
	}

	private int storedRows(AgentId id) {
		return jdbc.queryForObject("select count(*) from agents where agent_id = ?", Integer.class, id.value());
	}

	private static List<AgentId> ids(AgentList list) {
		return list.agents().stream().map(AgentView::agentId).toList();
	}
}
