package io.colony.worker.tool.resource;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentStep;
import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.LeaseId;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.worker.credentials.CredentialServiceStandIn;
import io.colony.worker.credentials.Credentials;
import io.colony.worker.identity.WorkerKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@code operator} agent's {@code resource_api} against the real broker and Redis, a stand-in of the credential
 * service's agent API that verifies the worker's signatures, and a stand-in resource that checks the bearer token:
 * a write parks its task until a person's decision arrives as a {@code credential.decided} event, a denial reaches
 * the model as the tool's error, and a revocation refuses the lease's next use and reports the refusal. The LLM is
 * the simulated one, scripted by {@code [[call …]]} directives in the task's input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "colony.worker.llm.simulated.latency=PT0.01S", "colony.worker.agent-id=worker-operator-it",
				"colony.worker.heartbeat-interval=PT0.2S", "colony.worker.catalog.serve=operator",
				"colony.worker.llm.cache.max-entries=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAgentIntegrationTests {

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final AgentId ME = AgentId.of("worker-operator-it");

	private static final TenantId TENANT = TenantId.of("acme");

	private static final String RESULTS_QUEUE = "test.operator.results";

	private static final String USAGE_QUEUE = "test.operator.usage";

	/** The worker's keys, once its context is up: what the registry would serve the credential service. */
	private static volatile WorkerKeys workerKeys;

	private static final CredentialServiceStandIn service = start(() -> new CredentialServiceStandIn(
			keyId -> workerKeys == null ? null
					: workerKeys.announced().stream().filter(key -> key.keyId().equals(keyId)).findFirst().orElse(null),
			Clock.systemUTC()));

	private static final ResourceStandIn inventory = start(() -> new ResourceStandIn("inventory", service::accepts));

	private final List<TaskResult> results = new CopyOnWriteArrayList<>();

	private final List<CredentialUsed> usage = new CopyOnWriteArrayList<>();

	/** Every message body the tests received, as sent: no token may be in any of them. */
	private final List<String> rawMessages = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.worker.credentials.url", service::url);
		registry.add("colony.worker.tools.resources.inventory.base-url", inventory::baseUrl);
	}

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	MessageCodec codec;

	@Autowired
	WorkerKeys keys;

	@Autowired
	Credentials credentials;

	@BeforeAll
	void listen() {
		workerKeys = keys;
		declare(RESULTS_QUEUE, Destinations.RESULTS, "result.#");
		declare(USAGE_QUEUE, Destinations.CREDENTIALS, Destinations.CREDENTIAL_USED);
	}

	@AfterAll
	void cleanUp() {
		inventory.close();
		service.close();
		env.close();
	}

	@Test
	void aWriteParksItsTaskUntilAPersonApprovesAndThenIsMadeWithTheToken() {
		TaskAssigned task = runTask("""
				[[call resource_api {"resource": "inventory", "method": "POST", "path": "/items",
				 "body": {"sku": "A1", "count": 2}, "justification": "restock A1 after the stock count"}]]
				Restock A1.""");

		CredentialRequest asked = requestOf(task);
		Await.until(WAIT, "the task parked on its pending request", () -> credentials.waitingCount() == 1);
		assertThat(asked.agentId()).isEqualTo(ME);
		assertThat(asked.tenant()).isEqualTo(TENANT);
		assertThat(asked.jobId()).isEqualTo(task.jobId());
		assertThat(asked.resource()).isEqualTo("inventory");
		assertThat(asked.scope()).containsExactly("inventory:write");
		assertThat(asked.ttl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(asked.justification()).isEqualTo("restock A1 after the stock count");
		drainResults();
		assertThat(results).as("no result while the request waits for a person")
			.noneMatch(result -> task.taskId().equals(taskIdOf(result)));
		assertThat(inventory.calls()).noneMatch(call -> call.pathAndQuery().equals("/api/items"));

		publish(service.approve(asked.requestId(), "ops@acme"));

		TaskCompleted done = resultOf(task);
		assertThat(done.output()).contains("[resource_api: HTTP 201 Created");
		assertThat(inventory.calls()).filteredOn(call -> call.pathAndQuery().equals("/api/items"))
			.containsExactly(new ResourceStandIn.Call("POST", "/api/items", "application/json",
					"{\"sku\":\"A1\",\"count\":2}", true));
		LeaseId lease = service.leaseOf(asked.requestId());
		assertThat(usageOf(lease, 1)).extracting(CredentialUsed::outcome, CredentialUsed::taskId, CredentialUsed::agentId,
				CredentialUsed::tool)
			.containsExactly(tuple(CredentialUsed.USED, task.taskId(), ME, "resource_api"));
		Await.until(WAIT, "nothing left waiting", () -> credentials.waitingCount() == 0);
		assertNoTokenInAnyMessage();
	}

	@Test
	void aDenialReachesTheModelAsTheToolsError() {
		TaskAssigned task = runTask("""
				[[call resource_api {"resource": "inventory", "method": "DELETE", "path": "/items/B2",
				 "justification": "B2 is discontinued"}]]
				Remove B2.""");
		CredentialRequest asked = requestOf(task);
		Await.until(WAIT, "the task parked on its pending request", () -> credentials.waitingCount() == 1);

		publish(service.deny(asked.requestId(), "ops@acme", "B2 is still sold in the outlet"));

		TaskCompleted done = resultOf(task);
		assertThat(done.output())
			.contains("[resource_api: error: credential denied: B2 is still sold in the outlet]");
		assertThat(done.steps()).filteredOn(step -> step.kind().equals(AgentStep.TOOL))
			.extracting(AgentStep::error)
			.containsExactly("credential denied: B2 is still sold in the outlet");
		assertThat(inventory.calls()).noneMatch(call -> call.pathAndQuery().equals("/api/items/B2"));
		assertThat(service.leaseOf(asked.requestId())).as("no lease for a denied request").isNull();
		Await.until(WAIT, "nothing left waiting", () -> credentials.waitingCount() == 0);
	}

	@Test
	void aRevokedLeaseIsRefusedAtItsNextUseAndTheRefusalIsReported() {
		CountDownLatch release = new CountDownLatch(1);
		inventory.holdReads(release);
		try {
			TaskAssigned task = runTask("""
					[[call resource_api {"resource": "inventory", "method": "GET", "path": "/stock/C3"}]]
					[[call resource_api {"resource": "inventory", "method": "GET", "path": "/stock/C3"}]]
					Check the stock of C3 twice.""");
			CredentialRequest asked = requestOf(task);
			Await.until(WAIT, "the first read at the resource",
					() -> inventory.calls().stream().anyMatch(call -> call.pathAndQuery().equals("/api/stock/C3")));
			LeaseId lease = service.leaseOf(asked.requestId());
			assertThat(lease).as("reads are granted by policy").isNotNull();

			publish(service.revoke(lease, "ops@acme", "suspicious reads"));
			Await.until(WAIT, "the worker heard the revocation", () -> credentials.isRevoked(lease));
			release.countDown();

			TaskCompleted done = resultOf(task);
			assertThat(done.output()).contains("[resource_api: HTTP 200 OK")
				.contains("[resource_api: error: credential revoked: lease " + lease
						+ " was revoked (suspicious reads) and its token was not used]");
			assertThat(inventory.calls()).filteredOn(call -> call.pathAndQuery().equals("/api/stock/C3")).hasSize(1);
			assertThat(usageOf(lease, 2)).extracting(CredentialUsed::outcome)
				.containsExactly(CredentialUsed.USED, CredentialUsed.REFUSED_REVOKED);
			assertNoTokenInAnyMessage();
		}
		finally {
			inventory.holdReads(new CountDownLatch(0));
		}
	}

	private TaskAssigned runTask(String content) {
		TaskAssigned task = new TaskAssigned(JobId.random(), TaskId.random(), TENANT, "operator", "operator", 1, 3,
				"Operate.", new JobInput("in-1", content), Priority.NORMAL, null, Instant.now());
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("operator"), task)
			.withTenant(task.tenant())
			.withMessageId(UUID.randomUUID())).join();
		return task;
	}

	private CredentialRequest requestOf(TaskAssigned task) {
		return Await.untilValue(WAIT, "a credential request of task " + task.taskId(),
				() -> service.requests().stream().filter(r -> r.taskId().equals(task.taskId())).findFirst().orElse(null),
				Objects::nonNull);
	}

	private TaskCompleted resultOf(TaskAssigned task) {
		TaskResult result = Await.untilValue(WAIT, "the result of " + task.taskId(), () -> {
			drainResults();
			return results.stream().filter(each -> task.taskId().equals(taskIdOf(each))).findFirst().orElse(null);
		}, Objects::nonNull);
		assertThat(result).isInstanceOf(TaskCompleted.class);
		return (TaskCompleted) result;
	}

	private static TaskId taskIdOf(TaskResult result) {
		return switch (result) {
			case TaskCompleted completed -> completed.taskId();
			case TaskFailed failed -> failed.taskId();
			default -> null;
		};
	}

	private List<CredentialUsed> usageOf(LeaseId lease, int count) {
		return Await.untilValue(WAIT, count + " usage report(s) of lease " + lease, () -> {
			drain(USAGE_QUEUE, CredentialEvent.class).forEach(event -> usage.add((CredentialUsed) event));
			return usage.stream().filter(used -> used.leaseId().equals(lease)).toList();
		}, found -> found.size() >= count);
	}

	private void drainResults() {
		results.addAll(drain(RESULTS_QUEUE, TaskResult.class));
	}

	private void assertNoTokenInAnyMessage() {
		drainResults();
		drain(USAGE_QUEUE, CredentialEvent.class).forEach(event -> usage.add((CredentialUsed) event));
		assertThat(service.issuedTokens()).isNotEmpty()
			.allSatisfy(token -> assertThat(rawMessages).noneMatch(body -> body.contains(token)));
	}

	private void publish(CredentialEvent event) {
		publisher.publish(Outgoing.to(Destinations.CREDENTIALS, event.routingKey(), event)
			.withMessageId(UUID.randomUUID())).join();
	}

	private <T> List<T> drain(String queue, Class<T> type) {
		List<T> drained = new ArrayList<>();
		Message message;
		while ((message = rabbit.receive(queue)) != null) {
			rawMessages.add(new String(message.getBody(), StandardCharsets.UTF_8));
			drained.add(codec.decode(message.getBody(), type));
		}
		return drained;
	}

	private void declare(String queue, String exchange, String routingKey) {
		admin.declareQueue(new Queue(queue, false, false, true));
		admin.declareBinding(new Binding(queue, Binding.DestinationType.QUEUE, exchange, routingKey, null));
	}

	@FunctionalInterface
	private interface Starting<T> {

		T start() throws IOException;
	}

	private static <T> T start(Starting<T> server) {
		try {
			return server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
