package io.colony.worker;

import io.colony.contracts.AgentDeparted;
import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobId;
import io.colony.contracts.RegistryEvent;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.PublishingChannels;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.observability.TraceCarrier;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.platform.testing.TestBroker;
import io.colony.worker.cancellation.CancelledJobs;
import io.colony.worker.task.InFlightTasks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker against the real broker with the simulated LLM answering after five seconds: thousands of
 * tasks wait at once on a handful of threads, every result is confirmed with its attempt number, and bad
 * input, unknown agent types, cancellations and presence behave as the message flow promises. Five seconds, not
 * one, so that the 2,000 preloaded tasks are all taken in before the first answers even on a loaded machine (with
 * one second, a CI run under load saw at most 1,436 in flight at once).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "colony.worker.llm.simulated.latency=PT5S", "colony.worker.capacity=5000",
				"colony.worker.agent-id=worker-it", "colony.worker.heartbeat-interval=PT0.5S",
				"colony.worker.heartbeat-ttl=PT5S", "colony.worker.catalog.serve=summarizer",
				"colony.worker.llm.cache.max-entries=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentWorkerIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(AgentWorkerIntegrationTests.class);

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String RESULTS_QUEUE = "test.results";

	private static final JobId PRELOADED_JOB = JobId.random();

	/** Queued before the worker starts, so that it receives them as fast as the broker delivers. */
	private static final List<TaskAssigned> PRELOADED = preload(PRELOADED_JOB, 2_000);

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
	}

	@Autowired
	private MessagePublisher publisher;

	@Autowired
	private RabbitTemplate rabbitTemplate;

	@Autowired
	private InFlightTasks inFlight;

	@Autowired
	private CancelledJobs cancelledJobs;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private InFlightSampler sampler;

	@Autowired
	private ConnectionFactory connectionFactory;

	@Autowired
	private AmqpAdmin admin;

	@Autowired
	private MessageCodec codec;

	private BrokerProbe<TaskResult> results;

	private BrokerProbe<RegistryEvent> registry;

	@BeforeAll
	void listen() {
		results = BrokerProbe.consume(connectionFactory, codec, RESULTS_QUEUE, TaskResult.class);
		registry = BrokerProbe.listen(connectionFactory, admin, codec, Destinations.REGISTRY, "agent.#",
				RegistryEvent.class);
	}

	@AfterAll
	void cleanUp() {
		results.close();
		registry.close();
		env.close();
	}

	@Test
	void holdsThousandsOfTasksWaitingOnTheLlmWithoutAThreadEach() {
		Await.until(WAIT, "2000 results", () -> resultsOf(PRELOADED_JOB).size() >= 2_000);
		sampler.stop();
		log.info("max in flight: {} tasks; live threads while >= 1500 were in flight: {} (max)", sampler.maxInFlight(),
				sampler.maxThreadsAtPeak());

		assertThat(sampler.maxInFlight()).as("tasks held in flight at once").isGreaterThanOrEqualTo(1_500);
		assertThat(sampler.maxThreadsAtPeak()).as("live threads while >= 1500 tasks were in flight").isBetween(1, 199);
		Map<TaskId, TaskAssigned> byId = PRELOADED.stream().collect(Collectors.toMap(TaskAssigned::taskId, t -> t));
		List<BrokerProbe.Received<TaskResult>> received = resultsOf(PRELOADED_JOB);
		assertThat(received).hasSize(2_000);
		for (BrokerProbe.Received<TaskResult> result : received) {
			TaskCompleted completed = (TaskCompleted) result.payload();
			TaskAssigned task = byId.get(completed.taskId());
			assertThat(completed.attempt()).isEqualTo(task.attempt());
			assertThat(completed.inputId()).isEqualTo(task.input().id());
			assertThat(completed.tenant()).isEqualTo(Tasks.TENANT);
			assertThat(completed.agentId().value()).isEqualTo("worker-it");
			assertThat(completed.output()).startsWith("Summary: Task number ").endsWith(" is here.");
			assertThat(completed.usage().llmCalls()).isEqualTo(1);
			assertThat(completed.usage().completionTokens()).isEqualTo(6);
			assertThat(result.messageId()).isEqualTo(UUID.nameUUIDFromBytes(
					(task.taskId() + ":" + task.attempt() + ":completed").getBytes(StandardCharsets.UTF_8)));
		}
		assertThat(received.stream().map(r -> ((TaskCompleted) r.payload()).taskId()).distinct()).hasSize(2_000);
		Await.until(Duration.ofSeconds(10), "in-flight back to 0", () -> inFlight.count() == 0);
		assertThat(meters.get("colony.worker.tasks.in.flight").gauge().value()).isZero();
	}

	@Test
	void anAgentTypeThisWorkerDoesNotServeFailsForGood() {
		JobId job = JobId.random();
		TaskAssigned task = Tasks.task(job, "poet", 1, "Roses are red.");

		publisher.publish(Tasks.toSummarizers(task)).join();

		TaskFailed failed = (TaskFailed) Await
			.untilValue(WAIT, "a TaskFailed", () -> resultsOf(job), list -> !list.isEmpty())
			.getFirst()
			.payload();
		assertThat(failed.taskId()).isEqualTo(task.taskId());
		assertThat(failed.retryable()).isFalse();
		assertThat(failed.isFinal()).isTrue();
		assertThat(failed.attempt()).isEqualTo(1);
		assertThat(failed.reason()).contains("agent type 'poet' not served by worker-it");
	}

	@Test
	void aMalformedOrUnknownTaskIsDeadLetteredWithItsReason() {
		String malformedId = UUID.randomUUID().toString();
		String unknownId = UUID.randomUUID().toString();
		rabbitTemplate.send(Destinations.TASKS, Destinations.taskRoutingKey("summarizer"),
				json("{\"type\":\"TaskAssigned\",\"jobId\":", malformedId));
		rabbitTemplate.send(Destinations.TASKS, Destinations.taskRoutingKey("summarizer"),
				json("{\"type\":\"TaskExploded\"}", unknownId));

		Map<String, Message> dead = new HashMap<>();
		Await.until(WAIT, "both messages in agent.summarizer.dlq", () -> {
			Message message = rabbitTemplate.receive(Destinations.deadLetterQueue("agent.summarizer"));
			if (message != null) {
				dead.put(message.getMessageProperties().getMessageId(), message);
			}
			return dead.containsKey(malformedId) && dead.containsKey(unknownId);
		});
		assertThat(dead.get(malformedId).getMessageProperties().<String>getHeader(Headers.DEATH_REASON))
			.contains("not a valid TaskMessage");
		assertThat(dead.get(unknownId).getMessageProperties().<String>getHeader(Headers.DEATH_REASON))
			.isEqualTo("unknown task message type 'TaskExploded'");
		assertThat(dead.get(unknownId).getMessageProperties().<String>getHeader(Headers.DEATH_QUEUE))
			.isEqualTo("agent.summarizer");
	}

	@Test
	void tasksOfACancelledJobAndTasksPastTheirDeadlineProduceNoResult() {
		JobId cancelled = JobId.random();
		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_CANCELLED,
				new JobCancelled(cancelled, Tasks.TENANT, "client asked", Instant.now()))).join();
		Await.until(WAIT, "the worker heard the cancellation", () -> cancelledJobs.isCancelled(cancelled));

		JobId late = JobId.random();
		JobId control = JobId.random();
		for (int i = 0; i < 5; i++) {
			publisher.publish(Tasks.toSummarizers(Tasks.task(cancelled, "summarizer", 1, "Cancelled " + i + "."))).join();
		}
		publisher.publish(Tasks.toSummarizers(
				Tasks.task(late, "summarizer", 1, "Too late.", Instant.now().minusSeconds(1)))).join();
		publisher.publish(Tasks.toSummarizers(Tasks.task(control, "summarizer", 1, "Still wanted."))).join();

		Await.until(WAIT, "the control task's result", () -> !resultsOf(control).isEmpty());
		assertThat(resultsOf(cancelled)).isEmpty();
		assertThat(resultsOf(late)).isEmpty();
	}

	@Test
	void cancellingAJobStopsItsTasksWhileTheyWaitOnTheLlm() {
		// the in-flight count below is the worker's; the preloaded job's tasks must have left it first
		Await.until(WAIT, "the preloaded job's 2000 results", () -> resultsOf(PRELOADED_JOB).size() >= 2_000);
		JobId job = JobId.random();
		for (int i = 0; i < 20; i++) {
			publisher.publish(Tasks.toSummarizers(Tasks.task(job, "summarizer", 1, "Running " + i + "."))).join();
		}
		Await.until(WAIT, "20 tasks in flight", () -> inFlight.count() >= 20);

		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_CANCELLED,
				new JobCancelled(job, Tasks.TENANT, "client asked", Instant.now()))).join();

		Await.until(Duration.ofSeconds(10), "the cancelled tasks acknowledged", () -> inFlight.count() == 0);
		JobId control = JobId.random();
		publisher.publish(Tasks.toSummarizers(Tasks.task(control, "summarizer", 1, "Still wanted."))).join();
		Await.until(WAIT, "the control task's result", () -> !resultsOf(control).isEmpty());
		assertThat(resultsOf(job)).isEmpty();
	}

	@Test
	void announcesItselfToTheRegistryAndDepartsOnStop() {
		AgentHeartbeat heartbeat = (AgentHeartbeat) Await
			.untilValue(WAIT, "a heartbeat", () -> registry.matching(AgentHeartbeat.class::isInstance),
					list -> !list.isEmpty())
			.getLast()
			.payload();
		assertThat(heartbeat.agentId().value()).isEqualTo("worker-it");
		assertThat(heartbeat.agentTypes())
			.containsExactly(new AgentTypeDescriptor("summarizer", "summarizer", "colony-simulated"));
		assertThat(heartbeat.capacity()).isEqualTo(5_000);
		assertThat(heartbeat.ttl()).isEqualTo(Duration.ofSeconds(5));
		assertThat(heartbeat.instance()).matches(".+:\\d+");
		assertThat(heartbeat.version()).isNotBlank();
		Await.until(WAIT, "heartbeats repeating", () -> registry.matching(AgentHeartbeat.class::isInstance).size() >= 3);

		Lifecycle presence = context.getBean("presence", Lifecycle.class);
		presence.stop();
		try {
			AgentDeparted departed = (AgentDeparted) Await
				.untilValue(WAIT, "a departure", () -> registry.matching(AgentDeparted.class::isInstance),
						list -> !list.isEmpty())
				.getFirst()
				.payload();
			assertThat(departed.agentId().value()).isEqualTo("worker-it");
		}
		finally {
			presence.start();
		}
	}

	/**
	 * Publishes {@code count} tasks (attempts 1, 2, 3, 1, …) through a {@link MessagePublisher} of its own, and
	 * binds the results queue, before any worker runs.
	 */
	private static List<TaskAssigned> preload(JobId job, int count) {
		CachingConnectionFactory connections = new CachingConnectionFactory(TestBroker.HOST, TestBroker.PORT);
		connections.setUsername("guest");
		connections.setPassword("guest");
		connections.setVirtualHost(env.broker().vhost());
		connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		connections.setPublisherReturns(true);
		try {
			RabbitAdmin admin = new RabbitAdmin(connections);
			BrokerProbe.declareTopology(admin);
			BrokerProbe.declare(admin, RESULTS_QUEUE, Destinations.RESULTS, "result.#");
			PublishingChannels channels = new PublishingChannels(connections.getRabbitConnectionFactory(), 1);
			MessagePublisher publisher = new MessagePublisher(channels, new MessageCodec(), TraceCarrier.noop(),
					Duration.ofSeconds(30));
			List<TaskAssigned> tasks = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				tasks.add(Tasks.task(job, "summarizer", 1 + i % 3, "Task number " + i + " is here. More text follows."));
			}
			try {
				CompletableFuture.allOf(tasks.stream()
					.map(task -> publisher.publish(Tasks.toSummarizers(task)))
					.toArray(CompletableFuture[]::new)).join();
			}
			finally {
				channels.close();
			}
			return tasks;
		}
		finally {
			connections.destroy();
		}
	}

	/**
	 * Samples the in-flight count from before the consumers start: the highest count, and the JVM's live
	 * thread count while at least 1500 tasks were in flight.
	 */
	static final class InFlightSampler {

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

		private final AtomicInteger maxInFlight = new AtomicInteger();

		private final AtomicInteger maxThreadsAtPeak = new AtomicInteger(-1);

		InFlightSampler(InFlightTasks inFlight) {
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			timer.scheduleAtFixedRate(() -> {
				int now = inFlight.count();
				maxInFlight.accumulateAndGet(now, Math::max);
				if (now >= 1_500) {
					maxThreadsAtPeak.accumulateAndGet(threads.getThreadCount(), Math::max);
				}
			}, 0, 2, TimeUnit.MILLISECONDS);
		}

		int maxInFlight() {
			return maxInFlight.get();
		}

		int maxThreadsAtPeak() {
			return maxThreadsAtPeak.get();
		}

		void stop() {
			timer.shutdownNow();
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Sampling {

		@Bean(destroyMethod = "stop")
		InFlightSampler inFlightSampler(InFlightTasks inFlight) {
			return new InFlightSampler(inFlight);
		}
	}

	private List<BrokerProbe.Received<TaskResult>> resultsOf(JobId job) {
		return results.matching(result -> switch (result) {
			case TaskCompleted completed -> completed.jobId().equals(job);
			case TaskFailed failed -> failed.jobId().equals(job);
			default -> false;
		});
	}

	private static Message json(String body, String messageId) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setMessageId(messageId);
		return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
	}
}
