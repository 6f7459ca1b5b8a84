package io.colony.worker.identity;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentKeyRotationRequested;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.RegistryEvent;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.platform.identity.ResultSigning;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
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

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker signs what it publishes with a key its heartbeats announce, and follows the registry's rotation
 * requests and revocations for it: against the real broker, with the simulated LLM.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "colony.worker.llm.simulated.latency=PT0.01S", "colony.worker.agent-id=worker-identity-it",
				"colony.worker.heartbeat-interval=PT0.2S", "colony.worker.catalog.serve=summarizer",
				"colony.worker.llm.cache.max-entries=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerIdentityIntegrationTests {

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final AgentId ME = AgentId.of("worker-identity-it");

	private static final String RESULTS_QUEUE = "test.identity.results";

	private static final String HEARTBEATS_QUEUE = "test.identity.heartbeats";

	private final List<TaskResult> results = new CopyOnWriteArrayList<>();

	private final List<AgentHeartbeat> heartbeats = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
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

	@BeforeAll
	void listen() {
		declare(RESULTS_QUEUE, Destinations.RESULTS, "result.#");
		declare(HEARTBEATS_QUEUE, Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT);
	}

	@AfterAll
	void cleanUp() {
		env.close();
	}

	@Test
	void resultsAreSignedWithAnAnnouncedKeyAndARotationSwitchesToANewAnnouncedKey() {
		TaskCompleted first = resultOf(runTask());
		AgentKey announced = keyInAHeartbeat(first.signature().keyId(), Instant.EPOCH);
		assertThat(ResultSigning.verify(first, announced)).isTrue();
		assertThat(first.agentId()).isEqualTo(ME);

		String before = keys.currentKeyId();
		publishRegistryEvent(Destinations.AGENT_KEY_ROTATION,
				new AgentKeyRotationRequested(AgentId.of("someone-else"), Instant.now()));
		publishRegistryEvent(Destinations.AGENT_KEY_ROTATION, new AgentKeyRotationRequested(ME, Instant.now()));
		Await.until(WAIT, "a new key", () -> !keys.currentKeyId().equals(before));
		String rotated = keys.currentKeyId();
		// announced, then used: it signs once a heartbeat carrying it was delivered
		AgentHeartbeat next = heartbeatAfter(Instant.EPOCH, beat -> hasKey(beat, rotated));
		Await.until(WAIT, "the new key signing", () -> keys.signingKeyId().equals(rotated));

		TaskCompleted second = resultOf(runTask());
		assertThat(second.signature().keyId()).isEqualTo(rotated).isNotEqualTo(first.signature().keyId());
		assertThat(next.keys()).extracting(AgentKey::keyId).containsExactly(rotated, first.signature().keyId());
		assertThat(ResultSigning.verify(second, next.keys().getFirst())).isTrue();
		assertThat(ResultSigning.verify(second, announced)).isFalse();

		publishRegistryEvent(Destinations.AGENT_KEY_REVOKED,
				new AgentKeyRevoked(ME, first.signature().keyId(), Instant.now()));
		Instant revokedAt = Instant.now();
		AgentHeartbeat afterRevocation = heartbeatAfter(revokedAt, beat -> !hasKey(beat, first.signature().keyId()));
		assertThat(afterRevocation.keys()).extracting(AgentKey::keyId).containsExactly(rotated);
		assertThat(resultOf(runTask()).signature().keyId()).isEqualTo(rotated);
	}

	private TaskId runTask() {
		TaskAssigned task = new TaskAssigned(JobId.random(), TaskId.random(), TenantId.of("acme"), "summarizer",
				"summarizer", 1, 3, "Summarize.", new JobInput("in-1", "some text"), Priority.NORMAL, null,
				Instant.now());
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("summarizer"), task)
			.withTenant(task.tenant())
			.withMessageId(UUID.randomUUID())).join();
		return task.taskId();
	}

	private TaskCompleted resultOf(TaskId task) {
		TaskResult result = Await.untilValue(WAIT, "the result of " + task, () -> {
			drain(RESULTS_QUEUE, TaskResult.class, results);
			return results.stream()
				.filter(each -> each instanceof TaskCompleted completed && completed.taskId().equals(task))
				.findFirst()
				.orElse(null);
		}, found -> found != null);
		TaskCompleted completed = (TaskCompleted) result;
		assertThat(completed.signature()).as("signed").isNotNull();
		return completed;
	}

	private AgentKey keyInAHeartbeat(String keyId, Instant after) {
		return heartbeatAfter(after, beat -> hasKey(beat, keyId)).keys()
			.stream()
			.filter(key -> key.keyId().equals(keyId))
			.findFirst()
			.orElseThrow();
	}

	private AgentHeartbeat heartbeatAfter(Instant after, java.util.function.Predicate<AgentHeartbeat> matching) {
		return Await.untilValue(WAIT, "a heartbeat after " + after, () -> {
			drain(HEARTBEATS_QUEUE, RegistryEvent.class, null);
			return heartbeats.stream()
				.filter(beat -> beat.agentId().equals(ME) && beat.sentAt().isAfter(after) && matching.test(beat))
				.findFirst()
				.orElse(null);
		}, found -> found != null);
	}

	private static boolean hasKey(AgentHeartbeat heartbeat, String keyId) {
		return heartbeat.keys().stream().anyMatch(key -> key.keyId().equals(keyId));
	}

	private void publishRegistryEvent(String routingKey, RegistryEvent event) {
		publisher.publish(Outgoing.to(Destinations.REGISTRY, routingKey, event).withMessageId(UUID.randomUUID()))
			.join();
	}

	private void declare(String queue, String exchange, String routingKey) {
		admin.declareQueue(new Queue(queue, false, false, true));
		admin.declareBinding(new Binding(queue, Binding.DestinationType.QUEUE, exchange, routingKey, null));
	}

	@SuppressWarnings("unchecked")
	private <T> void drain(String queue, Class<T> type, List<T> into) {
		Message message;
		while ((message = rabbit.receive(queue)) != null) {
			T payload = codec.decode(message.getBody(), type);
			if (payload instanceof AgentHeartbeat heartbeat) {
				heartbeats.add(heartbeat);
			}
			else if (into != null) {
				into.add(payload);
			}
		}
	}
}
