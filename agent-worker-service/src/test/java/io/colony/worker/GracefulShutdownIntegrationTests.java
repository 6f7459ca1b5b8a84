package io.colony.worker;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskResult;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.PublishingChannels;
import io.colony.platform.observability.TraceCarrier;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.worker.task.InFlightTasks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that is stopped while it holds tasks: it lets running tasks finish within the drain timeout and
 * hands the rest back to the queue; nothing is lost and nothing completes twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private CachingConnectionFactory connections;

	private RabbitAdmin admin;

	private PublishingChannels channels;

	private MessagePublisher publisher;

	private BrokerProbe<TaskResult> results;

	@BeforeAll
	void broker() {
		connections = new CachingConnectionFactory("127.0.0.1", 5672);
		connections.setUsername("guest");
		connections.setPassword("guest");
		connections.setVirtualHost(env.broker().vhost());
		admin = new RabbitAdmin(connections);
		BrokerProbe.declareTopology(admin);
		BrokerProbe.declare(admin, "test.shutdown.results", Destinations.RESULTS, "result.#");
		results = BrokerProbe.consume(connections, new MessageCodec(), "test.shutdown.results", TaskResult.class);
		channels = new PublishingChannels(connections.getRabbitConnectionFactory(), 1);
		publisher = new MessagePublisher(channels, new MessageCodec(), TraceCarrier.noop(), Duration.ofSeconds(30));
	}

	@AfterAll
	void close() {
		results.close();
		channels.close();
		connections.destroy();
		env.close();
	}

	@Test
	void runningTasksFinishWithinTheDrainTimeoutAndAreAcknowledged() {
		JobId job = JobId.random();
		ConfigurableApplicationContext worker = startWorker("PT1.5S", "PT30S");
		List<TaskAssigned> tasks = publish(job, 300);
		InFlightTasks inFlight = worker.getBean(InFlightTasks.class);
		Await.until(WAIT, "300 tasks in flight", () -> inFlight.count() == 300);

		worker.close();

		List<TaskCompleted> completed = results.matching(result -> result instanceof TaskCompleted c && job.equals(c.jobId()))
			.stream()
			.map(received -> (TaskCompleted) received.payload())
			.toList();
		assertThat(completed).hasSize(300);
		assertThat(completed.stream().map(TaskCompleted::taskId).distinct()).hasSize(300);
		assertThat(readyIn("agent.summarizer")).isZero();
		assertThat(tasks).hasSize(300);
	}

	@Test
	void tasksStillRunningAtTheDrainTimeoutGoBackToTheQueueWithoutAResult() {
		JobId job = JobId.random();
		ConfigurableApplicationContext worker = startWorker("PT120S", "PT0.5S");
		publish(job, 200);
		InFlightTasks inFlight = worker.getBean(InFlightTasks.class);
		Await.until(WAIT, "200 tasks in flight", () -> inFlight.count() == 200);

		worker.close();

		Await.until(WAIT, "200 tasks back in the queue", () -> readyIn("agent.summarizer") == 200);
		assertThat(results.matching(result -> !(result instanceof TaskCompleted c) || job.equals(c.jobId()))).isEmpty();
		admin.purgeQueue("agent.summarizer", false);
	}

	@Test
	void tasksWaitingToStartGoBackToTheQueueAtOnceWhileRunningOnesFinish() {
		JobId job = JobId.random();
		ConfigurableApplicationContext worker = startWorker("PT3S", "PT60S", 2);
		publish(job, 10);
		InFlightTasks inFlight = worker.getBean(InFlightTasks.class);
		MeterRegistry meters = worker.getBean(MeterRegistry.class);
		Await.until(WAIT, "10 tasks held, 8 of them waiting",
				() -> inFlight.count() == 10 && meters.get("colony.worker.tasks.waiting").tag("priority", "normal").gauge().value() == 8);

		worker.close();

		// Had the waiting tasks started during the drain (4 rounds of 3 s, well within its 60 s), all 10 would finish.
		Await.until(WAIT, "the 2 running tasks completed and the 8 waiting ones back in the queue",
				() -> readyIn("agent.summarizer") == 8 && results
					.matching(result -> result instanceof TaskCompleted c && job.equals(c.jobId()))
					.size() == 2);
		admin.purgeQueue("agent.summarizer", false);
	}

	private ConfigurableApplicationContext startWorker(String latency, String drainTimeout) {
		return startWorker(latency, drainTimeout, null);
	}

	private ConfigurableApplicationContext startWorker(String latency, String drainTimeout, Integer maxRunningTasks) {
		Properties properties = new Properties();
		if (maxRunningTasks != null) {
			properties.put("colony.worker.max-running-tasks", maxRunningTasks.toString());
		}
		properties.putAll(env.properties());
		properties.put("server.port", "0");
		properties.put("colony.worker.catalog.serve", "summarizer");
		properties.put("colony.worker.llm.simulated.latency", latency);
		properties.put("colony.worker.drain-timeout", drainTimeout);
		properties.put("colony.worker.llm.cache.max-entries", "0");
		return new SpringApplicationBuilder(AgentWorkerApplication.class).properties(properties).run();
	}

	private List<TaskAssigned> publish(JobId job, int count) {
		List<TaskAssigned> tasks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			tasks.add(Tasks.task(job, "summarizer", 1, "Shutdown task " + i + " is here."));
		}
		CompletableFuture.allOf(tasks.stream()
			.map(task -> publisher.publish(Tasks.toSummarizers(task)))
			.toArray(CompletableFuture[]::new)).join();
		return tasks;
	}

	private int readyIn(String queue) {
		Properties properties = admin.getQueueProperties(queue);
		return properties == null ? -1 : ((Number) properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue();
	}
}
