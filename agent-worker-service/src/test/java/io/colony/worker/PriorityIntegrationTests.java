package io.colony.worker;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.PublishingChannels;
import io.colony.platform.observability.TraceCarrier;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker whose running limit is saturated: high tasks published after normal and low ones start before them,
 * and low ones after normal ones, although both were queued (and received) earlier. Asserts the order of the
 * tasks' {@code startedAt}, not how long anything took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PriorityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private CachingConnectionFactory connections;

	private PublishingChannels channels;

	private MessagePublisher publisher;

	private BrokerProbe<TaskResult> results;

	private ConfigurableApplicationContext worker;

	@BeforeAll
	void start() {
		connections = new CachingConnectionFactory("127.0.0.1", 5672);
		connections.setUsername("guest");
		connections.setPassword("guest");
		connections.setVirtualHost(env.broker().vhost());
		RabbitAdmin admin = new RabbitAdmin(connections);
		BrokerProbe.declareTopology(admin);
		BrokerProbe.declare(admin, "test.priority.results", Destinations.RESULTS, "result.#");
		results = BrokerProbe.consume(connections, new MessageCodec(), "test.priority.results", TaskResult.class);
		channels = new PublishingChannels(connections.getRabbitConnectionFactory(), 1);
		publisher = new MessagePublisher(channels, new MessageCodec(), TraceCarrier.noop(), Duration.ofSeconds(30));
		Properties properties = new Properties();
		properties.putAll(env.properties());
		properties.put("server.port", "0");
		properties.put("colony.worker.catalog.serve", "summarizer");
		properties.put("colony.worker.max-running-tasks", "2");
		// Long enough that the tasks published while the first two run are all received before a slot frees.
		properties.put("colony.worker.llm.simulated.latency", "PT1S");
		properties.put("colony.worker.llm.cache.max-entries", "0");
		worker = new SpringApplicationBuilder(AgentWorkerApplication.class).properties(properties).run();
	}

	@AfterAll
	void close() {
		worker.close();
		results.close();
		channels.close();
		connections.destroy();
		env.close();
	}

	@Test
	void highTasksOvertakeNormalOnesQueuedEarlierAndLowOnesStartLast() {
		MeterRegistry meters = worker.getBean(MeterRegistry.class);
		JobId job = JobId.random();
		List<TaskAssigned> blockers = publish(job, Priority.NORMAL, 2);
		Await.until(WAIT, "both running slots taken", () -> gauge(meters, "colony.worker.tasks.running", null) == 2);
		List<TaskAssigned> low = publish(job, Priority.LOW, 2);
		List<TaskAssigned> normal = publish(job, Priority.NORMAL, 3);
		Await.until(WAIT, "the low and normal tasks waiting",
				() -> gauge(meters, "colony.worker.tasks.waiting", Priority.LOW) == 2
						&& gauge(meters, "colony.worker.tasks.waiting", Priority.NORMAL) == 3);
		List<TaskAssigned> high = publish(job, Priority.HIGH, 3);

		Await.until(WAIT, "every task completed", () -> completed(job).size() == 10);

		Map<TaskId, Instant> startedAt = completed(job).stream()
			.collect(Collectors.toMap(TaskCompleted::taskId, TaskCompleted::startedAt, (a, b) -> a));
		assertThat(latest(blockers, startedAt)).isBeforeOrEqualTo(earliest(high, startedAt));
		assertThat(latest(high, startedAt)).as("every high task starts before the normal ones queued before it")
			.isBeforeOrEqualTo(earliest(normal, startedAt));
		assertThat(latest(normal, startedAt)).as("low tasks start after the normal ones queued after them")
			.isBeforeOrEqualTo(earliest(low, startedAt));
		assertThat(gauge(meters, "colony.worker.tasks.waiting", Priority.HIGH)).isZero();
	}

	private List<TaskAssigned> publish(JobId job, Priority priority, int count) {
		List<TaskAssigned> tasks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			tasks.add(Tasks.task(job, "summarizer", 1, "A " + priority.wireName() + " task " + i + " is here.", null,
					priority));
		}
		CompletableFuture.allOf(tasks.stream()
			.map(task -> publisher.publish(Tasks.toSummarizers(task)))
			.toArray(CompletableFuture[]::new)).join();
		return tasks;
	}

	private List<TaskCompleted> completed(JobId job) {
		return results.matching(result -> result instanceof TaskCompleted c && job.equals(c.jobId()))
			.stream()
			.map(received -> (TaskCompleted) received.payload())
			.toList();
	}

	private static Instant earliest(List<TaskAssigned> tasks, Map<TaskId, Instant> startedAt) {
		return tasks.stream().map(task -> startedAt.get(task.taskId())).min(Instant::compareTo).orElseThrow();
	}

	private static Instant latest(List<TaskAssigned> tasks, Map<TaskId, Instant> startedAt) {
		return tasks.stream().map(task -> startedAt.get(task.taskId())).max(Instant::compareTo).orElseThrow();
	}

	private static double gauge(MeterRegistry meters, String name, Priority priority) {
		var search = meters.find(name);
		if (priority != null) {
			search = search.tag("priority", priority.wireName());
		}
		var gauge = search.gauge();
		return gauge == null ? -1 : gauge.value();
	}
}
