package io.colony.orchestrator.deadletter;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.metrics.MetricsPoller;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter keeper against the real RabbitMQ (its management API included) and PostgreSQL: poison messages
 * dead-lettered by a Colony consumer and by the broker itself land in {@code dead_letters} with their reason, job and
 * deliveries; the internal API lists, shows, replays and discards them, per tenant.
 */
@ExtendWith(DeadLetterKeeperIntegrationTests.DropEnvironmentAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "colony.orchestrator.dead-letters.discovery-interval=PT0.2S",
				"colony.orchestrator.dead-letters.max-body=2KB", "colony.orchestrator.registry-url=http://127.0.0.1:9" })
@DirtiesContext
class DeadLetterKeeperIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
	}

	/** Drops the vhost and database after Spring closed the context (see OrchestratorIntegrationTests). */
	static final class DropEnvironmentAfterContext implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext context) {
			env.close();
		}
	}

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MessageCodec codec;

	@Autowired
	MeterRegistry meters;

	@Autowired
	MetricsPoller poller;

	@LocalServerPort
	int port;

	@Test
	void aMessageAColonyConsumerCannotDecodeIsKeptWithItsReasonJobAndDeliveriesAndComesBackWhenReplayedAndStillPoison()
			throws Exception {
		UUID jobId = UUID.randomUUID();
		String messageId = UUID.randomUUID().toString();
		publish("", Destinations.ORCHESTRATOR_RESULTS_QUEUE, messageId, "acme",
				"{\"type\":\"TaskFailed\",\"jobId\":\"" + jobId + "\",\"attempt\":\"many\"}");

		JsonNode kept = awaitOne("acme", "queue=" + Destinations.ORCHESTRATOR_RESULTS_QUEUE + "&jobId=" + jobId,
				item -> true);
		assertThat(kept.path("messageId").asString()).isEqualTo(messageId);
		assertThat(kept.path("tenant").asString()).isEqualTo("acme");
		assertThat(kept.path("reason").asString()).contains("not a valid");
		assertThat(kept.path("deliveries").asInt()).isEqualTo(1);
		assertThat(kept.path("status").asString()).isEqualTo("OPEN");
		assertThat(kept.path("replayable").asBoolean()).isTrue();

		HttpResponse<String> replayed = post("/" + kept.path("id").asString() + "/replay", "acme", null);
		assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
		assertThat(json(replayed).path("status").asString()).isEqualTo("REPLAYED");

		// still poison: the orchestrator's consumer dead-letters it again, and the same row reopens
		JsonNode again = Await.untilValue(WAIT, "the replayed poison message dead-lettered again",
				() -> json(get("/" + kept.path("id").asString(), "acme")),
				node -> node.path("status").asString("").equals("OPEN") && node.path("timesDeadLettered").asInt() == 2);
		assertThat(again.path("replays").asInt()).isEqualTo(1);
		assertThat(jdbc.queryForObject("select count(*) from dead_letters where message_id = ?", Integer.class,
				messageId)).isEqualTo(1);
	}

	@Test
	void aMessageTheBrokerDeadLetteredIsReplayedToItsQueueWithItsMessageIdAndWithoutDeathHeaders() throws Exception {
		String queue = declareWorkQueue();
		String messageId = UUID.randomUUID().toString();
		UUID jobId = UUID.randomUUID();
		publish("", queue, messageId, "acme", "{\"jobId\":\"" + jobId + "\",\"n\":1}");
		reject(queue);

		JsonNode kept = awaitOne("acme", "queue=" + queue, item -> true);
		assertThat(kept.path("reason").asString()).isEqualTo("rejected");
		assertThat(kept.path("jobId").asString()).isEqualTo(jobId.toString());
		assertThat(kept.path("deliveries").asInt()).isEqualTo(1);
		String id = kept.path("id").asString();

		JsonNode detail = json(get("/" + id, "acme"));
		assertThat(detail.path("bodyPreview").asString()).isEqualTo("{\"jobId\":\"" + jobId + "\",\"n\":1}");
		assertThat(detail.path("originalExchange").asString()).isEmpty();
		assertThat(detail.path("originalRoutingKey").asString()).isEqualTo(queue);
		assertThat(detail.path("headers").has("x-death")).isTrue();

		assertThat(get("/" + id, "globex").statusCode()).as("another tenant's dead letter").isEqualTo(404);
		assertThat(post("/" + id + "/replay", "globex", null).statusCode()).isEqualTo(404);
		assertThat(post("/" + id + "/discard", "globex", "{\"reason\":\"not mine\"}").statusCode()).isEqualTo(404);

		HttpResponse<String> replayed = post("/" + id + "/replay", "acme", null);
		assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
		GetResponse back = rabbit.execute(channel -> channel.basicGet(queue, true));
		assertThat(back).as("the replayed message on " + queue).isNotNull();
		assertThat(back.getProps().getMessageId()).isEqualTo(messageId);
		assertThat(back.getProps().getHeaders()).doesNotContainKey("x-death").doesNotContainKey(Headers.DEATH_REASON);
		assertThat(String.valueOf(back.getProps().getHeaders().get(Headers.TENANT))).isEqualTo("acme");
		assertThat(new String(back.getBody(), StandardCharsets.UTF_8)).contains(jobId.toString());

		HttpResponse<String> twice = post("/" + id + "/replay", "acme", null);
		assertThat(twice.statusCode()).isEqualTo(409);
		assertThat(json(twice).path("type").asString()).isEqualTo("urn:colony:problem:dead-letter-not-open");
	}

	@Test
	void aDiscardedDeadLetterStaysOutOfTheOpenListAndOfReplayAll() throws Exception {
		String queue = declareWorkQueue();
		String discardedId = UUID.randomUUID().toString();
		String keptId = UUID.randomUUID().toString();
		publish("", queue, discardedId, "acme", "{\"n\":1}");
		publish("", queue, keptId, "acme", "{\"n\":2}");
		reject(queue);
		reject(queue);
		List<JsonNode> open = Await.untilValue(WAIT, "two dead letters of " + queue, () -> items("acme",
				"queue=" + queue), items -> items.size() == 2);
		String discard = open.stream().filter(item -> item.path("messageId").asString().equals(discardedId))
			.findFirst().orElseThrow().path("id").asString();

		assertThat(post("/" + discard + "/discard", "acme", "{}").statusCode()).as("no reason").isEqualTo(400);
		assertThat(post("/" + discard + "/discard", "acme", "{\"reason\":\"" + "x".repeat(501) + "\"}").statusCode())
			.isEqualTo(400);
		HttpResponse<String> discarded = post("/" + discard + "/discard", "acme",
				"{\"reason\":\"duplicate of a job the customer resubmitted\"}");
		assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
		assertThat(json(discarded).path("status").asString()).isEqualTo("DISCARDED");
		assertThat(json(discarded).path("discardReason").asString())
			.isEqualTo("duplicate of a job the customer resubmitted");
		assertThat(json(discarded).path("resolvedBy").asString()).isEqualTo("ops@acme");
		assertThat(post("/" + discard + "/replay", "acme", null).statusCode()).isEqualTo(409);
		assertThat(items("acme", "queue=" + queue)).extracting(item -> item.path("messageId").asString())
			.containsExactly(keptId);

		poller.pollNow();
		assertThat(meters.get(OpenDeadLetterGauges.OPEN).tag("queue", queue).gauge().value()).isEqualTo(1);

		HttpResponse<String> all = post("/replay", "acme", "{\"queue\":\"" + queue + "\"}");
		assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
		assertThat(json(all).path("replayed").asInt()).isEqualTo(1);
		GetResponse back = rabbit.execute(channel -> channel.basicGet(queue, true));
		assertThat(back.getProps().getMessageId()).isEqualTo(keptId);
		GetResponse none = rabbit.execute(channel -> channel.basicGet(queue, true));
		assertThat(none).as("the discarded one stays out").isNull();

		poller.pollNow();
		assertThat(meters.get(OpenDeadLetterGauges.OPEN).tag("queue", queue).gauge().value()).isZero();
	}

	@Test
	void deadLettersWithoutATenantAreTheOperatorTenantsAndTooLargeOnesCannotBeReplayed() throws Exception {
		String queue = declareWorkQueue();
		publish("", queue, UUID.randomUUID().toString(), null, "{\"big\":\"" + "y".repeat(3000) + "\"}");
		reject(queue);

		JsonNode kept = awaitOne("system", "queue=" + queue, item -> true);
		assertThat(kept.path("replayable").asBoolean()).isFalse();
		assertThat(kept.path("bodySize").asInt()).isGreaterThan(3000);
		assertThat(items("acme", "queue=" + queue)).isEmpty();
		HttpResponse<String> replay = post("/" + kept.path("id").asString() + "/replay", "system", null);
		assertThat(replay.statusCode()).isEqualTo(409);
		assertThat(json(replay).path("type").asString()).isEqualTo("urn:colony:problem:dead-letter-too-large");
	}

	@Test
	void aReplayTheBrokerCannotRouteFailsAndLeavesTheDeadLetterOpen() throws Exception {
		String queue = declareWorkQueue();
		publish("", queue, UUID.randomUUID().toString(), "acme", "{\"n\":1}");
		reject(queue);
		JsonNode kept = awaitOne("acme", "queue=" + queue, item -> true);
		admin.deleteQueue(queue);

		HttpResponse<String> replay = post("/" + kept.path("id").asString() + "/replay", "acme", null);

		assertThat(replay.statusCode()).as(replay.body()).isEqualTo(503);
		assertThat(json(replay).path("type").asString()).isEqualTo("urn:colony:problem:dead-letter-replay-failed");
		assertThat(json(get("/" + kept.path("id").asString(), "acme")).path("status").asString()).isEqualTo("OPEN");
	}

	@Test
	void badInputIsA400AndAnUnknownIdA404() throws Exception {
		assertThat(get("?limit=0", "acme").statusCode()).isEqualTo(400);
		assertThat(get("?limit=501", "acme").statusCode()).isEqualTo(400);
		assertThat(get("?limit=ten", "acme").statusCode()).isEqualTo(400);
		assertThat(get("?status=lost", "acme").statusCode()).isEqualTo(400);
		assertThat(get("?jobId=not-a-uuid", "acme").statusCode()).isEqualTo(400);
		assertThat(get("", null).statusCode()).as("no tenant header").isEqualTo(400);
		assertThat(post("/replay", "acme", "{\"queue\":\"q\",\"colour\":\"red\"}").statusCode()).isEqualTo(400);
		assertThat(post("/replay", "acme", "{\"jobId\":42}").statusCode()).isEqualTo(400);
		assertThat(post("/replay", "acme", "not json").statusCode()).isEqualTo(400);
		HttpResponse<String> invalid = get("?limit=0", "acme");
		assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(get("/" + UUID.randomUUID(), "acme").statusCode()).isEqualTo(404);
		assertThat(get("/not-an-id", "acme").statusCode()).isEqualTo(404);
		assertThat(post("/" + UUID.randomUUID() + "/discard", "acme", "{\"reason\":\"gone\"}").statusCode())
			.isEqualTo(404);
	}

	/** A quorum work queue dead-lettering like Colony's, with its {@code .dlq}. */
	private String declareWorkQueue() {
		String queue = "test.work-" + UUID.randomUUID().toString().substring(0, 8);
		admin.declareQueue(QueueBuilder.durable(queue).quorum().deadLetterExchange(Destinations.DLX)
			.deadLetterRoutingKey(queue).build());
		Queue deadLetters = QueueBuilder.durable(Destinations.deadLetterQueue(queue)).quorum().build();
		admin.declareQueue(deadLetters);
		admin.declareBinding(new Binding(deadLetters.getName(), Binding.DestinationType.QUEUE, Destinations.DLX, queue,
				null));
		return queue;
	}

	private void publish(String exchange, String routingKey, String messageId, String tenant, String body) {
		AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder().messageId(messageId)
			.contentType("application/json")
			.deliveryMode(2);
		if (tenant != null) {
			properties.headers(Map.of(Headers.TENANT, tenant));
		}
		rabbit.execute(channel -> {
			channel.confirmSelect();
			channel.basicPublish(exchange, routingKey, true, properties.build(),
					body.getBytes(StandardCharsets.UTF_8));
			channel.waitForConfirmsOrDie(10_000);
			return null;
		});
	}

	/** Takes one message off {@code queue} and rejects it without requeue: the broker dead-letters it. */
	private void reject(String queue) {
		GetResponse message = Await.untilValue(WAIT, "a message in " + queue,
				() -> rabbit.execute(channel -> {
					GetResponse got = channel.basicGet(queue, false);
					if (got != null) {
						channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
					}
					return got;
				}), got -> got != null);
		assertThat(message).isNotNull();
	}

	private JsonNode awaitOne(String tenant, String query, java.util.function.Predicate<JsonNode> accept) {
		return Await.untilValue(WAIT, "a dead letter for " + query, () -> items(tenant, query),
				items -> items.size() == 1 && accept.test(items.getFirst())).getFirst();
	}

	private List<JsonNode> items(String tenant, String query) {
		HttpResponse<String> response = get("?" + query, tenant);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return StreamSupport.stream(json(response).path("items").spliterator(), false).toList();
	}

	private JsonNode json(HttpResponse<String> response) {
		return codec.mapper().readTree(response.body());
	}

	private HttpResponse<String> get(String path, String tenant) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
		if (tenant != null) {
			request.header("X-Colony-Tenant", tenant);
		}
		return send(request);
	}

	private HttpResponse<String> post(String path, String tenant, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.header("X-Colony-Tenant", tenant)
			.header("X-Colony-Actor", "ops@" + tenant)
			.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return send(request);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + "/internal/v1/dead-letters" + path);
	}
}
