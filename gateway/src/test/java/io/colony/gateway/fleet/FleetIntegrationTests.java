package io.colony.gateway.fleet;

import io.colony.contracts.Destinations;
import io.colony.gateway.fleet.FakeFleetSources.Behaviour;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/fleet} against RabbitMQ's real management API (the test's private vhost on the local broker,
 * with queues declared and filled here) and a stand-in for the registry, the orchestrator's metrics and the
 * credential service. Tokens come from the gateway's own local issuer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeFleetSources sources = FakeFleetSources.start();

	static final Duration WAIT = Duration.ofSeconds(30);

	static final String AGENT_QUEUE = Destinations.agentQueue("summarizer");

	static final String AGENT_DLQ = Destinations.deadLetterQueue(AGENT_QUEUE);

	static final String SERVICE_QUEUE = Destinations.ORCHESTRATOR_COMMANDS_QUEUE;

	static final String FOREIGN_QUEUE = "someone-else.inbox";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.registry-url", sources::url);
		registry.add("colony.gateway.orchestrator-url", sources::url);
		registry.add("colony.gateway.credentials-url", sources::url);
		registry.add("colony.gateway.fleet.timeout", () -> "PT3S");
	}

	@LocalServerPort
	int port;

	@Autowired
	ConnectionFactory connectionFactory;

	final JsonMapper json = JsonMapper.builder().build();

	WebTestClient web;

	String fleetReader;

	@BeforeAll
	void fillTheBroker() {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(WAIT).build();
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		ColonyTopology.declarables(ColonyTopology.agentQueue("summarizer"), 5).getDeclarables().forEach(declarable -> {
			if (declarable instanceof Queue queue) {
				admin.declareQueue(queue);
			}
		});
		ColonyTopology.declarables(ColonyTopology.serviceQueue(SERVICE_QUEUE), 5).getDeclarables().forEach(declarable -> {
			if (declarable instanceof Queue queue) {
				admin.declareQueue(queue);
			}
		});
		admin.declareQueue(new Queue(FOREIGN_QUEUE, false));
		RabbitTemplate template = new RabbitTemplate(connectionFactory);
		for (int i = 0; i < 3; i++) {
			template.send("", AGENT_QUEUE, message("task " + i));
		}
		for (int i = 0; i < 2; i++) {
			template.send("", AGENT_DLQ, message("poison " + i));
		}
		template.send("", FOREIGN_QUEUE, message("not colony's"));
		fleetReader = mint("ops", "fleet:read");
	}

	@BeforeEach
	void answerNormally() {
		sources.reset();
	}

	@AfterAll
	void cleanUp() {
		sources.close();
		env.close();
	}

	@Test
	void needsATokenWithFleetRead() {
		web.get().uri(FleetController.PATH).exchange().expectStatus().isUnauthorized();
		String defaultToken = mint("ops", null);
		web.get()
			.uri(FleetController.PATH)
			.headers(headers -> headers.setBearerAuth(defaultToken))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("urn:colony:problem:insufficient-scope");
		web.get()
			.uri(FleetController.PATH)
			.headers(headers -> headers.setBearerAuth(mint("ops", "jobs:read registry:read credentials:approve")))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void showsColonysQueuesFromTheBrokersManagementApi() {
		JsonNode fleet = Await.untilValue(WAIT, "the management API reports the queues' messages", () -> fleet(fleetReader),
				snapshot -> queue(snapshot, AGENT_QUEUE).path("ready").asLong() == 3
						&& queue(snapshot, AGENT_DLQ).path("ready").asLong() == 2);

		JsonNode queues = fleet.path("queues");
		assertThat(queues.path("status").asString()).isEqualTo("available");
		assertThat(queues.path("vhost").asString()).isEqualTo(env.broker().vhost());
		assertThat(names(queues.path("queues"))).containsExactly(AGENT_QUEUE, AGENT_DLQ, SERVICE_QUEUE,
				Destinations.deadLetterQueue(SERVICE_QUEUE));
		JsonNode agent = queue(fleet, AGENT_QUEUE);
		assertThat(agent.path("kind").asString()).isEqualTo("agent");
		assertThat(agent.path("deadLetter").asBoolean()).isFalse();
		assertThat(agent.path("unacked").asLong()).isZero();
		assertThat(agent.path("consumers").asLong()).isZero();
		assertThat(queue(fleet, AGENT_DLQ).path("deadLetter").asBoolean()).isTrue();
		assertThat(queue(fleet, SERVICE_QUEUE).path("kind").asString()).isEqualTo("service");
		assertThat(queues.path("deadLetters").asLong()).isEqualTo(2);
	}

	@Test
	void showsWorkersAndJobsFromTheirServices() {
		JsonNode fleet = fleet(fleetReader);

		JsonNode workers = fleet.path("workers");
		assertThat(workers.path("status").asString()).isEqualTo("available");
		assertThat(workers.path("workers")).hasSize(2);
		JsonNode first = workers.path("workers").get(0);
		assertThat(first.path("agentId").asString()).isEqualTo("agent-a");
		assertThat(first.path("instance").asString()).isEqualTo("worker-1");
		assertThat(strings(first.path("agentTypes"))).containsExactly("operator", "summarizer");
		assertThat(first.path("capacity").asInt()).isEqualTo(500);
		assertThat(first.path("inFlight").asInt()).isEqualTo(12);
		assertThat(first.path("lastSeen").asString()).isEqualTo("2025-11-21T09:59:57Z");
		assertThat(workers.path("capacity").asLong()).isEqualTo(10500);
		assertThat(workers.path("inFlight").asLong()).isEqualTo(49);

		JsonNode jobs = fleet.path("jobs");
		assertThat(jobs.path("status").asString()).isEqualTo("available");
		assertThat(jobs.path("byStatus").propertyNames()).containsExactly("ACCEPTED", "RUNNING", "SUCCEEDED");
		assertThat(jobs.path("byStatus").path("RUNNING").asLong()).isEqualTo(2);
		assertThat(jobs.path("stalled").asLong()).isZero();
	}

	@Test
	void leavesApprovalsOutForATokenThatCannotSeeThem() {
		JsonNode approvals = fleet(fleetReader).path("approvals");

		assertThat(approvals.path("status").asString()).isEqualTo("omitted");
		assertThat(approvals.path("reason").asString()).contains("credentials:approve");
		assertThat(approvals.has("pending")).isFalse();
		assertThat(sources.credentialAuthorizations).as("the credential service is not asked").isEmpty();
	}

	@Test
	void showsTheApproversPendingRequestsWithTheirOwnToken() {
		String approver = mint("acme", "fleet:read credentials:approve");

		JsonNode approvals = fleet(approver).path("approvals");

		assertThat(approvals.path("status").asString()).isEqualTo("available");
		assertThat(approvals.path("tenant").asString()).isEqualTo("acme");
		assertThat(approvals.path("pending").asInt()).isEqualTo(2);
		assertThat(approvals.path("more").asBoolean()).isFalse();
		assertThat(approvals.path("oldest").get(0).path("resource").asString()).as("oldest first").isEqualTo("billing");
		assertThat(approvals.path("oldest").get(1).path("scope").get(0).asString()).isEqualTo("inventory:write");
		assertThat(sources.credentialAuthorizations).containsExactly("Bearer " + approver);
	}

	@Test
	void aFailingSourceIsUnavailableWhileTheOthersStillShow() {
		sources.behaviour.put(FakeFleetSources.AGENTS, Behaviour.FAIL);
		sources.behaviour.put(FakeFleetSources.METRICS, Behaviour.HANG);
		sources.behaviour.put(FakeFleetSources.REQUESTS, Behaviour.GARBAGE);

		JsonNode fleet = fleet(mint("acme", "fleet:read credentials:approve"));

		assertThat(fleet.path("queues").path("status").asString()).isEqualTo("available");
		assertThat(fleet.path("workers").path("status").asString()).isEqualTo("unavailable");
		assertThat(fleet.path("workers").path("reason").asString()).isEqualTo("registry answered 500");
		assertThat(fleet.path("workers").has("workers")).isFalse();
		assertThat(fleet.path("jobs").path("status").asString()).isEqualTo("unavailable");
		assertThat(fleet.path("jobs").path("reason").asString()).isEqualTo("orchestrator did not answer within 3 s");
		assertThat(fleet.path("approvals").path("status").asString()).isEqualTo("unavailable");
		assertThat(fleet.path("approvals").path("reason").asString())
			.isEqualTo("credential service sent an answer that could not be read");
		assertThat(fleet.toString()).doesNotContain("internal details");
	}

	@Test
	void jobsAreUnknownWhenTheOrchestratorDoesNotExportTheirGauge() {
		sources.metrics = "# TYPE jvm_threads_live_threads gauge\njvm_threads_live_threads 42.0\n";

		JsonNode jobs = fleet(fleetReader).path("jobs");

		assertThat(jobs.path("status").asString()).isEqualTo("unknown");
		assertThat(jobs.path("reason").asString()).contains("colony_jobs_active");
		assertThat(jobs.has("byStatus")).isFalse();
	}

	private JsonNode fleet(String token) {
		byte[] body = web.get()
			.uri(FleetController.PATH)
			.headers(headers -> headers.setBearerAuth(token))
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Control", "no-store")
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
		return json.readTree(new String(body, StandardCharsets.UTF_8));
	}

	/** A token from the gateway's local issuer; {@code scope} {@code null} asks for the default scopes. */
	private String mint(String tenant, String scope) {
		var form = BodyInserters.fromFormData("grant_type", "client_credentials").with("tenant", tenant);
		if (scope != null) {
			form = form.with("scope", scope);
		}
		byte[] body = web.post()
			.uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.body(form)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
		JsonNode answer = json.readTree(new String(body, StandardCharsets.UTF_8));
		if (scope == null) {
			assertThat(answer.path("scope").asString()).as("fleet:read is never a default scope").doesNotContain("fleet:read");
		}
		return answer.path("access_token").asString();
	}

	private static JsonNode queue(JsonNode fleet, String name) {
		for (JsonNode queue : fleet.path("queues").path("queues")) {
			if (name.equals(queue.path("name").asString())) {
				return queue;
			}
		}
		return MissingNode.getInstance();
	}

	private static List<String> names(JsonNode queues) {
		List<String> names = new ArrayList<>();
		queues.forEach(queue -> names.add(queue.path("name").asString()));
		return names;
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach(value -> values.add(value.asString()));
		return values;
	}

	private static Message message(String text) {
		return new Message(text.getBytes(StandardCharsets.UTF_8), new MessageProperties());
	}
}
