package io.colony.aggregator.identity;

import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentView;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.ResultSigning;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only results their agent really signed are recorded: the aggregator against the real broker and database, with
 * a stand-in registry serving {@code GET /api/v1/registry/agents/{agentId}} as the registry does. Every scenario
 * uses its own agents and job.
 */
@SpringBootTest
class ResultVerificationIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final StandInRegistry registry = new StandInRegistry();

	private static final TenantId TENANT = TenantId.of("acme");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final List<Message> deadLetters = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
		properties.add("colony.aggregator.registry-url", registry::url);
		properties.add("colony.aggregator.batch-wait", () -> "PT0.05S");
	}

	@AfterAll
	static void cleanUp() {
		registry.stop();
		env.close();
	}

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AgentKeyring keyring;

	@Autowired
	MeterRegistry meters;

	@Test
	void signedResultsAreRecordedAndTheRegistryIsAskedOncePerAgent() {
		AgentId agent = newAgent();
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		registry.serve(agent, key.publicKey());
		JobId job = JobId.random();

		for (int i = 0; i < 10; i++) {
			publish(ResultSigning.sign(completed(job, i, agent), key));
		}
		publish(ResultSigning.sign(failed(job, 10, agent), key));

		Await.until(WAIT, "all results recorded", () -> storedResults(job) == 11);
		assertThat(registry.lookups(agent)).isEqualTo(1);
	}

	@Test
	void aTamperedResultIsDeadLetteredAndNotRecordedWhileItsNeighboursAre() {
		AgentId agent = newAgent();
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		registry.serve(agent, key.publicKey());
		JobId job = JobId.random();
		TaskCompleted signed = ResultSigning.sign(completed(job, 0, agent), key);
		TaskCompleted tampered = new TaskCompleted(signed.jobId(), signed.taskId(), signed.tenant(), signed.inputId(),
				signed.attempt(), signed.agentId(), "a forged summary", signed.usage(), signed.startedAt(),
				signed.completedAt(), signed.steps(), signed.signature());

		UUID forged = publish(tampered);
		publish(ResultSigning.sign(completed(job, 1, agent), key));
		publish(ResultSigning.sign(completed(job, 2, agent), key));

		assertThat(deathReason(forged)).contains("bad signature").contains(key.keyId());
		Await.until(WAIT, "the genuine neighbours recorded", () -> storedResults(job) == 2);
		assertThat(jdbc.queryForObject("select count(*) from task_results where job_id = ? and task_id = ?",
				Integer.class, job.value(), signed.taskId().value())).isZero();
	}

	@Test
	void unsignedResultsAndResultsSignedWithKeysNobodyAnnouncedAreDeadLettered() {
		AgentId agent = newAgent();
		AgentKeyPair announced = AgentKeys.generate(Instant.now());
		AgentKeyPair stranger = AgentKeys.generate(Instant.now());
		registry.serve(agent, announced.publicKey());
		AgentId unknownAgent = newAgent();
		JobId job = JobId.random();

		UUID unsigned = publish(completed(job, 0, agent));
		UUID unknownKey = publish(ResultSigning.sign(completed(job, 1, agent), stranger));
		UUID unknownKeyAgain = publish(ResultSigning.sign(completed(job, 2, agent), stranger));
		UUID notRegistered = publish(ResultSigning.sign(completed(job, 3, unknownAgent), stranger));

		assertThat(deathReason(unsigned)).contains("unsigned");
		assertThat(deathReason(unknownKey)).contains("unknown key").contains(stranger.keyId());
		assertThat(deathReason(unknownKeyAgain)).contains("unknown key");
		assertThat(deathReason(notRegistered)).contains("unknown key").contains(unknownAgent.value());
		assertThat(storedResults(job)).isZero();
		assertThat(registry.lookups(agent)).as("the unknown key is not asked for again at once").isEqualTo(1);
		assertThat(registry.lookups(unknownAgent)).isEqualTo(1);
	}

	@Test
	void aKeyTheRegistryServesAsRevokedSignsNothing() {
		AgentId agent = newAgent();
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		AgentKey revoked = key.publicKey();
		registry.serve(agent, new AgentKey(revoked.keyId(), revoked.algorithm(), revoked.publicKey(),
				revoked.createdAt(), Instant.now()));
		JobId job = JobId.random();

		UUID result = publish(ResultSigning.sign(completed(job, 0, agent), key));

		assertThat(deathReason(result)).contains("revoked key").contains(key.keyId());
		assertThat(storedResults(job)).isZero();
	}

	@Test
	void aReplayedResultIsDroppedAndRecordedOnce() {
		AgentId agent = newAgent();
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		registry.serve(agent, key.publicKey());
		JobId job = JobId.random();
		TaskCompleted signed = ResultSigning.sign(completed(job, 0, agent), key);
		double replaysBefore = replays();

		UUID messageId = publish(signed);
		Await.until(WAIT, "the result recorded", () -> storedResults(job) == 1);
		publishAs(messageId, signed);
		publishAs(messageId, signed);
		publish(ResultSigning.sign(completed(job, 1, agent), key));

		Await.until(WAIT, "the replays dropped", () -> replays() - replaysBefore >= 2);
		Await.until(WAIT, "the next result recorded", () -> storedResults(job) == 2);
		assertThat(jdbc.queryForObject("select count(*) from task_results where job_id = ? and task_id = ?",
				Integer.class, job.value(), signed.taskId().value())).isEqualTo(1);
		assertThat(jdbc.queryForObject("select succeeded from jobs where job_id = ?", Integer.class, job.value()))
			.isEqualTo(2);
	}

	@Test
	void afterARotationTheNewKeySignsAndOnceTheOldOneIsRevokedItsResultsAreRefused() {
		AgentId agent = newAgent();
		AgentKeyPair old = AgentKeys.generate(Instant.now());
		registry.serve(agent, old.publicKey());
		JobId job = JobId.random();
		publish(ResultSigning.sign(completed(job, 0, agent), old));
		Await.until(WAIT, "a result signed with the first key recorded", () -> storedResults(job) == 1);

		AgentKeyPair rotated = AgentKeys.generate(Instant.now());
		registry.serve(agent, old.publicKey(), rotated.publicKey());
		publish(ResultSigning.sign(completed(job, 1, agent), rotated));
		publish(ResultSigning.sign(completed(job, 2, agent), old));
		Await.until(WAIT, "results of both keys recorded", () -> storedResults(job) == 3);

		publisher.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED,
				new AgentKeyRevoked(agent, old.keyId(), Instant.now()))
			.withMessageId(UUID.randomUUID())).join();
		Await.until(WAIT, "the revocation heard", () -> keyring.isRevoked(agent, old.keyId()));

		UUID refused = publish(ResultSigning.sign(completed(job, 3, agent), old));
		publish(ResultSigning.sign(completed(job, 4, agent), rotated));

		assertThat(deathReason(refused)).contains("revoked key").contains(old.keyId());
		Await.until(WAIT, "the new key still signs", () -> storedResults(job) == 4);
		assertThat(jdbc.queryForObject("select count(*) from task_results where job_id = ? and input_id = ?",
				Integer.class, job.value(), inputId(3))).isZero();
	}

	private double replays() {
		return meters.counter("colony.aggregator.results.replayed").count();
	}

	private static AgentId newAgent() {
		return AgentId.of("agent-" + UUID.randomUUID());
	}

	private static TaskCompleted completed(JobId job, int index, AgentId agent) {
		Instant now = Instant.now();
		return new TaskCompleted(job, taskId(job, index), TENANT, inputId(index), 1, agent,
				"summary of " + inputId(index), new Usage(10, 5, 1), now.minusMillis(5), now);
	}

	private static TaskFailed failed(JobId job, int index, AgentId agent) {
		return new TaskFailed(job, taskId(job, index), TENANT, inputId(index), 1, agent, "gave up", false, true,
				Instant.now());
	}

	private static TaskId taskId(JobId job, int index) {
		return new TaskId(UUID.nameUUIDFromBytes((job + ":task:" + index).getBytes(StandardCharsets.UTF_8)));
	}

	private static String inputId(int index) {
		return "input-%05d".formatted(index);
	}

	private UUID publish(TaskResult result) {
		UUID messageId = UUID.randomUUID();
		publishAs(messageId, result);
		return messageId;
	}

	private void publishAs(UUID messageId, TaskResult result) {
		publisher.publish(Outgoing.to(Destinations.RESULTS, Destinations.resultRoutingKey(result, "summarizer"), result)
			.withMessageId(messageId)
			.withTenant(TENANT)).join();
	}

	private String deathReason(UUID messageId) {
		Message dead = Await.untilValue(WAIT, "message " + messageId + " dead-lettered", () -> {
			Message message;
			while ((message = rabbit.receive(
					Destinations.deadLetterQueue(Destinations.AGGREGATOR_RESULTS_QUEUE))) != null) {
				deadLetters.add(message);
			}
			return deadLetters.stream()
				.filter(each -> messageId.toString().equals(each.getMessageProperties().getMessageId()))
				.findFirst()
				.orElse(null);
		}, found -> found != null);
		assertThat(dead.getMessageProperties().getHeaders()).containsEntry(Headers.DEATH_QUEUE,
				Destinations.AGGREGATOR_RESULTS_QUEUE);
		return dead.getMessageProperties().getHeaders().get(Headers.DEATH_REASON).toString();
	}

	private int storedResults(JobId job) {
		return jdbc.queryForObject("select count(*) from task_results where job_id = ?", Integer.class, job.value());
	}

	/** Serves {@link AgentView}s as the registry's internal API does, and counts the questions per agent. */
	static final class StandInRegistry {

		private static final String PATH = "/api/v1/registry/agents/";

		private final MessageCodec codec = new MessageCodec();

		private final Map<String, AgentView> agents = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

		private final HttpServer server;

		StandInRegistry() {
			try {
				server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			server.createContext(PATH, exchange -> {
				String agentId = exchange.getRequestURI().getPath().substring(PATH.length());
				lookups.computeIfAbsent(agentId, id -> new AtomicInteger()).incrementAndGet();
				AgentView view = agents.get(agentId);
				byte[] body = view == null
						? "{\"type\":\"about:blank\",\"status\":404,\"detail\":\"no such agent\"}"
							.getBytes(StandardCharsets.UTF_8)
						: codec.encode(view);
				exchange.getResponseHeaders()
					.add("Content-Type", view == null ? "application/problem+json" : "application/json");
				exchange.sendResponseHeaders(view == null ? 404 : 200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
		}

		String url() {
			return "http://127.0.0.1:" + server.getAddress().getPort();
		}

		void serve(AgentId agentId, AgentKey... keys) {
			Instant now = Instant.now();
			agents.put(agentId.value(), new AgentView(agentId, "test-host:1", List.of(), 10, 0, "test", now, now,
					now.plusSeconds(30), new ArrayList<>(List.of(keys))));
		}

		int lookups(AgentId agentId) {
			AtomicInteger count = lookups.get(agentId.value());
			return count == null ? 0 : count.get();
		}

		void stop() {
			server.stop(0);
		}
	}
}
