package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees of a running mesh: every service's {@code /actuator/prometheus} carries the metrics the
 * issue names (queue depth and consumers, dead letters, tasks in flight, task and LLM latency histograms, tokens
 * and cost per agent type and tenant, provider circuits, pending credential requests, live agents per
 * capability, active and stalled jobs) with bounded labels — never a job or task id — and every service logs JSON
 * lines that carry the trace, job and task ids, and never a bearer token, even with web and security loggers at
 * DEBUG.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIntegrationTests {

	private static final int BASE_PORT = 18380;

	private static final String TENANT = "metrics-tenant";

	private static final Duration WAIT = Duration.ofMinutes(1);

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern UUID_TEXT = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ProtectedResource inventory;

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	private static ColonyClient operator;

	/** Job and task ids of every job run here; none may appear in a metric. */
	private static final List<String> ids = new ArrayList<>();

	private static String stoppedJobId;

	@BeforeAll
	static void startMesh() throws IOException {
		URI jwks = URI.create("http://127.0.0.1:" + (BASE_PORT + 4) + "/api/v1/credentials/jwks");
		inventory = new ProtectedResource("inventory", jwks);
		mesh = SystemTestMesh.start(MetricsIntegrationTests.class, MeshOptions.defaults()
			.withBasePort(BASE_PORT)
			.withWorkers(1)
			.withSimulatedLatency(Duration.ofMillis(50))
			.withWorkerArguments(List.of("--colony.worker.tools.resources.inventory.base-url=" + inventory.url()))
			.withJvmArguments(List.of("-Dcolony.metrics.queue-poll-interval=PT1S", "-Dcolony.metrics.poll-interval=PT1S",
					// The loggers that would show a request's headers if anything did.
					"-Dlogging.level.org.springframework.web=DEBUG", "-Dlogging.level.org.springframework.security=DEBUG",
					"-Dlogging.level.org.springframework.web.reactive.function.client=TRACE")));
		client = new ColonyClient(mesh.launcher().gatewayUrl());
		client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("tenant", TENANT)));
		operator = new ColonyClient(mesh.launcher().gatewayUrl());
		operator.useToken(operator.mintToken("credentials:approve", Map.of("tenant", TENANT)));
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
		if (inventory != null) {
			inventory.close();
		}
	}

	@Test
	@Order(1)
	void everyServiceExportsTheIssuesMetricsWithBoundedLabels() {
		String summarized = client.submitAccepted(client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), 3)));
		assertThat(awaitFinished(summarized).path("status").asString()).isEqualTo("SUCCEEDED");
		stoppedJobId = client.submitAccepted(job("document-extractor",
				"Loop for ever. [[repeat memory_read {\"key\":\"nothing\"}]]"));
		assertThat(awaitFinished(stoppedJobId).path("status").asString()).as("the step limit stops its only task")
			.isEqualTo("FAILED");

		String operated = client.submitAccepted(job("operator", "Restock aisle 4. [[call resource_api {\"resource\":"
				+ "\"inventory\",\"method\":\"POST\",\"path\":\"/orders\",\"body\":\"{}\",\"justification\":\"empty\"}]]"));
		String requestId = Await.untilValue(WAIT, "the operator agent's credential request to wait for a person"
				+ mesh.logTails(), MetricsIntegrationTests::pendingRequestId, id -> id != null);
		Await.until(WAIT, "colony_credentials_requests_pending to show it",
				() -> value(scrape(MeshLauncher.CREDENTIALS), "colony_credentials_requests_pending", Map.of()) == 1);
		HttpResponse<String> approved = operator.send(operator
			.authorized("/api/v1/credentials/requests/" + requestId + "/approve")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
		assertThat(awaitFinished(operated).path("status").asString()).isEqualTo("SUCCEEDED");
		Await.until(WAIT, "colony_credentials_requests_pending back to 0",
				() -> value(scrape(MeshLauncher.CREDENTIALS), "colony_credentials_requests_pending", Map.of()) == 0);
		for (String jobId : List.of(summarized, stoppedJobId, operated)) {
			ids.add(jobId);
			client.allResults(jobId, 50).forEach(result -> ids.add(result.path("taskId").asString()));
		}
		assertThat(ids).hasSize(3 + 3 + 1 + 1);

		List<Sample> worker = Await.untilValue(WAIT, "the worker's queue gauges after a poll",
				() -> scrape(MeshLauncher.worker(1)),
				samples -> value(samples, "colony_queue_consumers", Map.of("queue", "agent.summarizer")) >= 1);
		assertThat(value(worker, "colony_queue_messages", Map.of("queue", "agent.summarizer"))).isZero();
		assertThat(value(worker, "colony_queue_messages", Map.of("queue", "agent.summarizer.dlq"))).isZero();
		assertThat(value(worker, "colony_dead_letters", Map.of("queue", "agent.summarizer"))).isZero();
		assertThat(value(worker, "colony_queue_consumers", Map.of("queue", "agent.operator"))).isPositive();
		assertThat(value(worker, "colony_worker_tasks_in_flight", Map.of())).isZero();
		assertThat(value(worker, "colony_task_duration_seconds_count",
				Map.of("agent_type", "summarizer", "outcome", "succeeded"))).isEqualTo(3);
		assertThat(value(worker, "colony_task_duration_seconds_count",
				Map.of("agent_type", "document-extractor", "outcome", "failed"))).isEqualTo(1);
		assertThat(samples(worker, "colony_task_duration_seconds_bucket",
				Map.of("agent_type", "summarizer", "outcome", "succeeded")))
			.as("histogram buckets, for histogram_quantile")
			.hasSizeGreaterThan(5)
			.anySatisfy(bucket -> assertThat(bucket.labels()).containsEntry("le", "+Inf"));
		assertThat(samples(worker, "colony_llm_call_duration_seconds_bucket",
				Map.of("provider", "simulated", "model", "colony-simulated", "outcome", "succeeded"))).hasSizeGreaterThan(5);
		assertThat(value(worker, "colony_llm_tokens_total",
				Map.of("agent_type", "summarizer", "tenant", TENANT, "direction", "input"))).isPositive();
		assertThat(value(worker, "colony_llm_tokens_total",
				Map.of("agent_type", "summarizer", "tenant", TENANT, "direction", "output"))).isPositive();
		assertThat(samples(worker, "colony_llm_cost_usd_total", Map.of("agent_type", "operator", "tenant", TENANT)))
			.hasSize(1);
		assertThat(value(worker, "colony_llm_circuit_open", Map.of("provider", "simulated"))).isZero();
		assertThat(value(worker, "colony_llm_circuit_open", Map.of("provider", "openai"))).isZero();

		List<Sample> orchestrator = Await.untilValue(WAIT, "no active job once every job finished",
				() -> scrape(MeshLauncher.ORCHESTRATOR),
				samples -> value(samples, "colony_jobs_active", Map.of("status", "RUNNING")) == 0
						&& value(samples, "colony_jobs_active", Map.of("status", "ACCEPTED")) == 0);
		assertThat(value(orchestrator, "colony_jobs_stalled", Map.of())).isZero();
		assertThat(value(orchestrator, "colony_queue_consumers", Map.of("queue", "orchestrator.commands"))).isPositive();
		assertThat(value(orchestrator, "colony_dead_letters", Map.of("queue", "orchestrator.results"))).isZero();

		List<Sample> aggregator = scrape(MeshLauncher.AGGREGATOR);
		assertThat(value(aggregator, "colony_queue_consumers", Map.of("queue", "aggregator.results"))).isPositive();
		assertThat(value(aggregator, "colony_dead_letters", Map.of("queue", "aggregator.job-events"))).isZero();

		List<Sample> registry = scrape(MeshLauncher.REGISTRY);
		assertThat(value(registry, "colony_registry_agents", Map.of("capability", "summarizer"))).isEqualTo(1);
		assertThat(value(registry, "colony_registry_agents", Map.of("capability", "security-review"))).isEqualTo(1);
		assertThat(value(registry, "colony_queue_consumers", Map.of("queue", "registry.agents"))).isPositive();

		List<Sample> credentials = scrape(MeshLauncher.CREDENTIALS);
		assertThat(value(credentials, "colony_queue_consumers", Map.of("queue", "credentials.usage"))).isPositive();

		for (String service : mesh.launcher().services()) {
			String text = scrapeText(service);
			assertThat(ids).as(service + " exports no job or task id").noneSatisfy(id -> assertThat(text).contains(id));
			assertThat(parse(text)).as(service + ": no colony metric has a UUID-like label")
				.filteredOn(sample -> sample.name().startsWith("colony_"))
				.allSatisfy(sample -> assertThat(sample.labels().values())
					.noneSatisfy(value -> assertThat(value).containsPattern(UUID_TEXT)));
		}
	}

	@Test
	@Order(2)
	void everyServiceLogsJsonLinesWithTraceJobAndTaskIdsAndNeverAToken() throws IOException {
		assertThat(stoppedJobId).as("the jobs of the first test ran").isNotNull();
		Map<String, List<JsonNode>> logs = new LinkedHashMap<>();
		for (String service : mesh.launcher().services()) {
			String text = Files.readString(mesh.launcher().logFile(service), StandardCharsets.UTF_8);
			for (String token : List.of(client.token(), operator.token())) {
				assertThat(text).as(service + " logged a bearer token").doesNotContain(token)
					.doesNotContain(token.substring(token.lastIndexOf('.') + 1));
			}
			List<JsonNode> lines = new ArrayList<>();
			for (String line : text.lines().toList()) {
				if (line.startsWith("{")) {
					lines.add(json.readTree(line));
				}
				else {
					assertThat(line).as(service + ": only the JVM's own warnings are not JSON").matches(
							"^(WARNING: .*|OpenJDK 64-Bit Server VM warning: .*|\\s*)$");
				}
			}
			assertThat(lines).as(service + " logged JSON").isNotEmpty();
			assertThat(lines).allSatisfy(line -> assertThat(line.path("service").path("name").asString()).isNotEmpty());
			logs.put(service, lines);
		}
		assertThat(logs.values().stream().mapToLong(List::size).sum()).isPositive();

		// The agent loop stops the repeating task on a timer thread, long after the consumer's thread let go of it:
		// its ids came along through the task's Reactor context.
		JsonNode stopped = logs.get(MeshLauncher.worker(1))
			.stream()
			.filter(line -> line.path("message").asString("").contains("stopped: step limit"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no 'stopped: step limit' line in the worker's log"));
		assertThat(stopped.path("jobId").asString()).isEqualTo(stoppedJobId);
		assertThat(ids).contains(stopped.path("taskId").asString());
		assertThat(stopped.path("tenant").asString()).isEqualTo(TENANT);
		assertThat(stopped.path("traceId").asString()).hasSizeGreaterThanOrEqualTo(16);
		assertThat(stopped.path("process").path("thread").path("name").asString())
			.as("logged on the thread that answered the agent's last call, not on the consumer's (pool-…)")
			.doesNotStartWith("pool-");
	}

	private static String job(String agent, String content) {
		ObjectNode body = client.json().createObjectNode();
		body.put("pattern", "scatter-gather");
		body.put("agent", agent);
		body.put("instruction", "Do what the input says.");
		body.putArray("inputs").addObject().put("id", "only").put("content", content);
		return client.json().writeValueAsString(body);
	}

	private static JsonNode awaitFinished(String jobId) {
		return Await.untilValue(WAIT, "job " + jobId + " finished" + mesh.logTails(), () -> client.job(jobId),
				JobWatch::isTerminal);
	}

	private static String pendingRequestId() {
		HttpResponse<String> response = operator.send(operator.authorized("/api/v1/credentials/requests?status=PENDING")
			.GET()
			.build());
		JsonNode requests = operator.parse(response.body()).path("requests");
		return requests.isArray() && !requests.isEmpty() ? requests.get(0).path("requestId").asString(null) : null;
	}

	record Sample(String name, Map<String, String> labels, double value) {
	}

	private static List<Sample> scrape(String service) {
		return parse(scrapeText(service));
	}

	private static String scrapeText(String service) {
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
				+ port(service) + "/actuator/prometheus")).GET().build());
		assertThat(response.statusCode()).as(service + " /actuator/prometheus").isEqualTo(200);
		return response.body();
	}

	private static int port(String service) {
		return mesh.launcher().portOf(service);
	}

	/** Prometheus' text format: {@code name{label="value",...} value} per line, comments skipped. */
	static List<Sample> parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.lines().toList()) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			Matcher sample = SAMPLE.matcher(line);
			if (!sample.matches()) {
				throw new AssertionError("not a Prometheus sample: " + line);
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
		}
		return samples;
	}

	private static List<Sample> samples(List<Sample> samples, String name, Map<String, String> labels) {
		return samples.stream()
			.filter(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
			.toList();
	}

	/** The one sample of {@code name} with {@code labels} (among others); NaN when there is none. */
	private static double value(List<Sample> samples, String name, Map<String, String> labels) {
		List<Sample> matching = samples(samples, name, labels);
		assertThat(matching).as("samples of " + name + labels).hasSizeLessThanOrEqualTo(1);
		return matching.isEmpty() ? Double.NaN : matching.getFirst().value();
	}
}
