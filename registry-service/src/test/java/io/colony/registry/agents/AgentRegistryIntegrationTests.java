package io.colony.registry.agents;

import io.colony.contracts.AgentDeparted;
import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
	}

	@AfterAll
	static void cleanUp() {
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

	RestClient http;

	/** Unique per test, so tests sharing the context never see each other's agents or types. */
	String run;

	@BeforeEach
	void setUp() {
		http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/api/v1/registry/agents")
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
