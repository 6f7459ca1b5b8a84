package io.colony.platform.it;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.metrics.MetricsPoller;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The platform's queue gauges against the real broker, and what a handler's log lines carry. */
@SpringBootTest(classes = ObservabilityIntegrationTests.App.class,
		properties = { "colony.database.schema=observability_it", "management.tracing.sampling.probability=1.0" })
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(ObservabilityIntegrationTests.class);

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
	}

	@AfterAll
	static void cleanUp() {
		env.close();
	}

	@SpringBootApplication
	static class App {
	}

	@Autowired
	ColonyConsumers consumers;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	MeterRegistry meters;

	@Autowired
	MetricsPoller poller;

	@Test
	void exportsDepthAndConsumersOfAConsumedQueueAndItsDeadLetters() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("observed-depth");
		consumers.declare(queue);
		for (int i = 0; i < 3; i++) {
			publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("observed-depth"),
					event(JobId.random(), "queued " + i))).get();
		}
		for (int i = 0; i < 2; i++) {
			rabbit.send(Destinations.DLX, queue.name(), new Message("{}".getBytes(StandardCharsets.UTF_8),
					new MessageProperties()));
		}
		// A consumer that takes one message and never finishes it: one unacknowledged, two ready.
		consumers.consume(queue, JobEvent.class, 1, 1, inbound -> new CompletableFuture<Void>());

		String dlq = Destinations.deadLetterQueue(queue.name());
		Await.until(Duration.ofSeconds(20), "the gauges to show 2 ready, 1 consumer and 2 dead letters", () -> {
			poller.pollNow();
			return gauge("colony.queue.messages", queue.name()) == 2 && gauge("colony.queue.consumers", queue.name()) == 1
					&& gauge("colony.dead.letters", queue.name()) == 2;
		});
		assertThat(gauge("colony.queue.messages", dlq)).isEqualTo(2);
		assertThat(gauge("colony.queue.consumers", dlq)).isZero();
		assertThat(meters.find("colony.dead.letters").tag("queue", dlq).gauge())
			.as("dead letters are labelled with the work queue they came from")
			.isNull();
	}

	@Test
	void aHandlersLogLinesAreJsonWithTheJobTenantAndTraceAndNothingLeaksToTheNextMessage(CapturedOutput output)
			throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("observed-logs");
		List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
		String marker = "handling-" + UUID.randomUUID();
		consumers.consume(queue, JobEvent.class, 1, 1, inbound -> {
			Map<String, String> mdc = new HashMap<>();
			for (String key : List.of("jobId", "tenant", "traceId", "spanId")) {
				mdc.put(key, MDC.get(key));
			}
			seen.add(mdc);
			log.info("{} {}", marker, inbound.payload() instanceof JobCancelled cancelled ? cancelled.reason() : "unknown");
			return CompletableFuture.completedFuture(null);
		});
		JobId first = JobId.random();
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("observed-logs"),
				event(first, "first")).withTenant(TenantId.of("acme"))).get();
		Await.until(Duration.ofSeconds(10), "the first message handled", () -> seen.size() == 1);
		// A raw message without ids or trace headers, on the same consumer thread.
		MessageProperties bare = new MessageProperties();
		bare.setMessageId(UUID.randomUUID().toString());
		bare.setContentType("application/json");
		rabbit.send(Destinations.TASKS, Destinations.taskRoutingKey("observed-logs"), new Message(
				"{\"type\":\"SomethingNewer\"}".getBytes(StandardCharsets.UTF_8), bare));
		Await.until(Duration.ofSeconds(10), "the second message handled", () -> seen.size() == 2);

		assertThat(seen.get(0)).containsEntry("jobId", first.toString()).containsEntry("tenant", "acme");
		assertThat(seen.get(0).get("traceId")).isNotBlank();
		assertThat(seen.get(1)).as("nothing of the first message is left in the MDC")
			.containsEntry("jobId", null)
			.containsEntry("tenant", null)
			.containsEntry("traceId", null);

		JsonNode line = Await.untilValue(Duration.ofSeconds(5), "the handler's JSON log line",
				() -> output.getOut().lines().filter(text -> text.contains(marker + " first")).findFirst().orElse(null),
				text -> text != null)
			.transform(JsonMapper.builder().build()::readTree);
		assertThat(line.path("message").asString()).isEqualTo(marker + " first");
		assertThat(line.path("jobId").asString()).isEqualTo(first.toString());
		assertThat(line.path("tenant").asString()).isEqualTo("acme");
		assertThat(line.path("traceId").asString()).isEqualTo(seen.get(0).get("traceId"));
	}

	private double gauge(String name, String queue) {
		Gauge gauge = meters.find(name).tag("queue", queue).gauge();
		return gauge == null ? Double.NaN : gauge.value();
	}

	private static JobCancelled event(JobId job, String reason) {
		return new JobCancelled(job, TenantId.of("acme"), reason, Instant.now());
	}
}
