package io.colony.benchmarks.system;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.client.SseEvent;
import io.colony.benchmarks.demo.DemoCommand;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.contracts.Destinations;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.colony.benchmarks.system.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public job API against the real mesh (every service a separate process): a full fan-out, a poison
 * message, idempotent submission, the demo client and rejected input. One mesh for the whole class; tests run in order so that
 * the last one finds the short-lived token already expired.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobApiIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	private static String shortLivedToken;

	@BeforeAll
	static void startMesh() {
		mesh = SystemTestMesh.start(JobApiIntegrationTests.class,
				MeshOptions.defaults().withBasePort(18080).withWorkers(2).withSimulatedLatency(Duration.ofMillis(200)));
		client = mesh.client();
		shortLivedToken = client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("ttl", "1"));
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	@Order(1)
	void aThousandDocumentsFanOutAndEveryResultComesBack() {
		HttpResponse<String> accepted = client.submit(body(1000), null);

		assertThat(accepted.statusCode()).as("POST /api/v1/jobs: %s", accepted.body()).isEqualTo(202);
		JsonNode acceptance = client.parse(accepted.body());
		String jobId = acceptance.path("jobId").asString("");
		assertThat(acceptance.path("links").path("events").asString("")).endsWith("/api/v1/jobs/" + jobId + "/events");
		List<SseEvent> events;
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			watch.awaitCompletion(Duration.ofMinutes(2), false);
			Await.until(Duration.ofSeconds(10), "the gateway to end the stream after job.completed", watch::streamEnded);
			events = watch.events();
		}
		assertThat(events).filteredOn(event -> JobWatch.PROGRESS.equals(event.name())).isNotEmpty();
		List<SseEvent> completed = events.stream().filter(event -> JobWatch.COMPLETED.equals(event.name())).toList();
		assertThat(completed).as("job.completed events").hasSize(1);
		assertThat(client.parse(completed.getFirst().data()).path("status").asString("")).isEqualTo("SUCCEEDED");

		JsonNode job = Await.untilValue(Duration.ofSeconds(30), "job " + jobId + " finished in its view",
				() -> client.job(jobId), JobWatch::isTerminal);
		assertThat(job.path("status").asString("")).isEqualTo("SUCCEEDED");
		assertThat(job.path("tasks").path("succeeded").asInt(-1)).isEqualTo(1000);
		List<JsonNode> results = client.allResults(jobId, 1000);
		assertThat(results).hasSize(1000);
		Set<String> inputIds = results.stream().map(result -> result.path("inputId").asString("")).collect(Collectors.toSet());
		assertThat(inputIds).hasSize(1000).contains(Documents.inputId(1), Documents.inputId(1000));
		assertThat(results).allSatisfy(result -> {
			assertThat(result.path("status").asString("")).isEqualTo("SUCCEEDED");
			assertThat(result.path("output").asString("")).isNotBlank();
		});
	}

	@Test
	@Order(2)
	void aPoisonMessageIsDeadLetteredWithItsReasonWhileAJobCompletes() throws IOException, InterruptedException {
		String messageId = UUID.randomUUID().toString();
		byte[] poison = "{\"this is\": \"not a TaskAssigned\"".getBytes(StandardCharsets.UTF_8);
		String queue = Destinations.agentQueue("summarizer");
		try (Channel channel = mesh.channel()) {
			channel.confirmSelect();
			String jobId = client.submitAccepted(body(200));
			channel.basicPublish("", queue, true,
					new AMQP.BasicProperties.Builder().messageId(messageId)
						.contentType("application/json")
						.deliveryMode(2)
						.build(),
					poison);
			channel.waitForConfirmsOrDie(10_000);

			try (JobWatch watch = JobWatch.open(client, jobId, event -> {
			})) {
				watch.awaitCompletion(Duration.ofMinutes(1), false);
			}
			// the job view follows job.completed through the orchestrator's own consumer, a moment later
			assertThat(Await.untilValue(Duration.ofSeconds(30), "job " + jobId + " finished in its view",
					() -> client.job(jobId), JobWatch::isTerminal).path("status").asString("")).isEqualTo("SUCCEEDED");

			// The orchestrator's dead-letter keeper takes it from agent.summarizer.dlq; an operator of tenant
			// "system" (a message without a tenant belongs to no client tenant) sees it through the gateway.
			ColonyClient operator = new ColonyClient(client.gateway())
				.useToken(client.mintToken("deadletters:manage", Map.of("tenant", "system")));
			JsonNode dead = Await.untilValue(Duration.ofSeconds(30),
					"message " + messageId + " in GET /api/v1/dead-letters" + mesh.logTails(),
					() -> deadLetter(operator, messageId), Objects::nonNull);
			assertThat(dead.path("queue").asString("")).isEqualTo(queue);
			assertThat(dead.path("reason").asString("")).isNotBlank();
			assertThat(dead.path("status").asString("")).isEqualToIgnoringCase("open");
			JsonNode detail = operator.parse(operator
				.send(operator.authorized("/api/v1/dead-letters/" + dead.path("id").asString()).GET().build())
				.body());
			assertThat(detail.toString()).contains("not a TaskAssigned");
			HttpResponse<String> foreign = client
				.send(client.authorized("/api/v1/dead-letters/" + dead.path("id").asString()).GET().build());
			assertThat(foreign.statusCode()).as("a client token without deadletters:manage").isEqualTo(403);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("the broker did not confirm the poison message", ex);
		}
	}

	@Test
	@Order(3)
	void theSameIdempotencyKeyAndBodyGiveOneJobAndAnotherBodyIsRefused() {
		String key = "it-" + UUID.randomUUID();
		String body = body(3);

		List<CompletableFuture<HttpResponse<String>>> posts = IntStream.range(0, 5)
			.mapToObj(i -> client.http()
				.sendAsync(client.submitRequest(body, key).build(), HttpResponse.BodyHandlers.ofString()))
			.toList();
		List<HttpResponse<String>> responses = posts.stream().map(CompletableFuture::join).toList();

		assertThat(responses).as("responses %s", responses.stream().map(HttpResponse::body).toList())
			.allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(202));
		Set<String> jobIds = responses.stream()
			.map(response -> client.parse(response.body()).path("jobId").asString(""))
			.collect(Collectors.toSet());
		assertThat(jobIds).hasSize(1).doesNotContain("");

		HttpResponse<String> otherBody = client.submit(body(4), key);
		assertProblem(otherBody, 422, "same Idempotency-Key, other body");

		String jobId = jobIds.iterator().next();
		Await.until(Duration.ofSeconds(60), "job " + jobId + " to finish",
				() -> JobWatch.isTerminal(client.job(jobId)));
		assertThat(client.job(jobId).path("tasks").path("total").asInt(-1)).isEqualTo(3);
	}

	@Test
	@Order(4)
	void theDemoNarratesAJobAndExitsWithZeroWhenItSucceeds() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		int status = DemoCommand.run(Args.parse(List.of("--gateway", client.gateway().toString(), "--inputs", "300"), Set.of()),
				new PrintStream(out, true, StandardCharsets.UTF_8));

		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(status).as(printed).isZero();
		assertThat(printed).contains("token      minted for colony-cli")
			.containsPattern("progress +\\d+/300 succeeded=\\d+ failed=0")
			.contains("completed  SUCCEEDED")
			.contains("total=300 succeeded=300 failed=0")
			.contains("first 3 results:")
			.contains(Documents.inputId(1));
	}

	@Test
	@Order(5)
	void badRequestsAreProblemsAndNothingIsStoredOrPublished() throws IOException {
		long jobsBefore = mesh.countRows("select count(*) from orchestrator.jobs");
		try (Channel channel = mesh.channel()) {
			String observer = channel.queueDeclare("", false, true, true, null).getQueue();
			channel.queueBind(observer, Destinations.TASKS, "task.#");
			String valid = body(2);

			assertProblem(client.submit("{\"pattern\": \"scatter-gather\", \"agent\": ", null), 400, "malformed JSON");
			assertProblem(client.submit(valid.replaceFirst("\\{", "{\"colour\":\"blue\","), null), 400, "unknown field");
			assertProblem(oversize(), 413, "body over 16 MB");
			assertProblem(client.send(HttpRequest.newBuilder(client.gateway().resolve("/api/v1/jobs"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(valid))
				.build()), 401, "no token");
			String unknownJob = "/api/v1/jobs/" + UUID.randomUUID();
			Await.until(Duration.ofSeconds(30), "the gateway to refuse the 1-second token",
					() -> client.send(withToken(unknownJob, shortLivedToken).GET().build()).statusCode() == 401);
			assertProblem(client.send(withToken("/api/v1/jobs", shortLivedToken).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(valid))
				.build()), 401, "expired token");

			// A valid job after the bad ones: once its tasks are out, anything the bad ones published would be too.
			String jobId = client.submitAccepted(valid);
			Await.until(Duration.ofSeconds(30), "the valid job's 2 tasks on " + Destinations.TASKS,
					() -> messageCount(channel, observer) >= 2);
			List<String> published = drain(channel, observer);
			assertThat(published).as("job ids of every task published").containsExactly(jobId, jobId);
			assertThat(mesh.countRows("select count(*) from orchestrator.jobs")).isEqualTo(jobsBefore + 1);
			assertThat(mesh.countRows("select count(*) from orchestrator.jobs where job_id = '" + jobId + "'")).isEqualTo(1);
		}
		catch (TimeoutException ex) {
			throw new AssertionError(ex);
		}
	}

	private static String body(int documents) {
		return json.writeValueAsString(Documents.scatterGatherJob(json, documents));
	}

	private static HttpRequest.Builder withToken(String path, String token) {
		return HttpRequest.newBuilder(client.gateway().resolve(path)).header("Authorization", "Bearer " + token);
	}

	private static HttpResponse<String> oversize() {
		byte[] padding = new byte[17 * 1024 * 1024];
		Arrays.fill(padding, (byte) 'x');
		String prefix = "{\"pattern\":\"scatter-gather\",\"agent\":\"summarizer\",\"instruction\":\"";
		byte[] bodyBytes = new byte[prefix.length() + padding.length + 2];
		System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, bodyBytes, 0, prefix.length());
		System.arraycopy(padding, 0, bodyBytes, prefix.length(), padding.length);
		bodyBytes[bodyBytes.length - 2] = '"';
		bodyBytes[bodyBytes.length - 1] = '}';
		return client.send(client.authorized("/api/v1/jobs")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(bodyBytes))
			.build());
	}

	private static long messageCount(Channel channel, String queue) {
		try {
			return channel.messageCount(queue);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<String> drain(Channel channel, String queue) throws IOException {
		List<String> jobIds = new ArrayList<>();
		for (GetResponse message = channel.basicGet(queue, true); message != null; message = channel.basicGet(queue, true)) {
			jobIds.add(json.readTree(message.getBody()).path("jobId").asString("?"));
		}
		return jobIds;
	}

	private static JsonNode deadLetter(ColonyClient operator, String messageId) {
		HttpResponse<String> listed = operator.send(operator.authorized("/api/v1/dead-letters?limit=500").GET().build());
		if (listed.statusCode() != 200) {
			throw new AssertionError("GET /api/v1/dead-letters: " + listed.statusCode() + " " + listed.body());
		}
		for (JsonNode item : ColonyClient.items(operator.parse(listed.body()))) {
			if (messageId.equals(item.path("messageId").asString(""))) {
				return item;
			}
		}
		return null;
	}
}
