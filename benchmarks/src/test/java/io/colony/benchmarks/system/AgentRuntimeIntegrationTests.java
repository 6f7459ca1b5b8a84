package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent runtime through the public API, on a mesh of real processes with the simulated model scripted by
 * directives in the inputs: a supervisor spawning specialists and composing their answers, tools and limits
 * recorded step by step, a cheaper model tier, and token budgets at submit and during the job.
 */
class AgentRuntimeIntegrationTests {

	private static final Duration WAIT = Duration.ofMinutes(2);

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	@BeforeAll
	static void startMesh() {
		mesh = SystemTestMesh.start(AgentRuntimeIntegrationTests.class,
				MeshOptions.defaults().withBasePort(18080).withWorkers(1).withSimulatedLatency(Duration.ofMillis(50)));
		client = mesh.client();
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	void aSupervisorSpawnsSpecialistsWaitsForThemAndComposesTheirAnswers() {
		String spawn = """
				[[call spawn_subtasks {"agent":"summarizer","instruction":"Summarise.","inputs":[\
				{"id":"north","content":"The north dam holds. Levels are steady."},\
				{"id":"south","content":"The south gate leaks. Repairs start Monday."}]}]]""";
		JsonNode job = run(job("supervisor", List.of("Report on the river. " + spawn), null, null));

		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode result = onlyResult(job);
		assertThat(result.path("output").asString()).startsWith("Summary: Report on the river.")
			.contains("north: Summary: The north dam holds.")
			.contains("south: Summary: The south gate leaks.");
		assertThat(kinds(result)).containsExactly("llm", "tool", "llm");
		assertThat(result.path("steps").get(1).path("name").asString()).isEqualTo("spawn_subtasks");
		assertThat(result.path("usage").path("toolCalls").asLong()).isEqualTo(1);
	}

	@Test
	void stepsAreRecordedAndAToolErrorGoesBackToTheModel() {
		JsonNode job = run(job("document-extractor",
				List.of("Invoice 7 is due. [[call memory_write {\"key\":\"due\",\"value\":\"invoice 7\"}]] "
						+ "[[call memory_read {\"key\":\"missing\"}]] [[call memory_read {\"key\":\"due\"}]]"),
				null, null));

		JsonNode result = onlyResult(job);
		assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(kinds(result)).containsExactly("llm", "tool", "llm", "tool", "llm", "tool", "llm");
		assertThat(result.path("steps").get(3).path("error").asString()).isNotBlank();
		assertThat(result.path("output").asString()).contains("[memory_read: error:").contains("[memory_read: invoice 7]");
		String jobId = job.path("jobId").asString();
		Await.until(Duration.ofSeconds(30), "the job's shared memory dropped once the job ended",
				() -> redisKeys("colony:job-memory:*:" + jobId) == 0);
	}

	@Test
	void aLoopThatNeverAnswersStopsAtItsStepLimitWithItsSteps() {
		JsonNode job = run(job("summarizer", List.of("Loop. [[repeat memory_read {}]]"), null, null));

		assertThat(job.path("status").asString()).isEqualTo("FAILED");
		JsonNode result = onlyResult(job);
		assertThat(result.path("error").asString()).contains("step limit of 4");
		assertThat(result.path("steps")).hasSize(4);
		assertThat(result.path("steps").get(1).path("error").asString()).contains("unknown tool 'memory_read'");
	}

	@Test
	void aJobMayRouteItsTasksToACheaperModel() {
		JsonNode job = run(job("summarizer", List.of("Short text."), "economy", null));

		JsonNode result = onlyResult(job);
		assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(result.path("steps").get(0).path("name").asString()).isEqualTo("colony-simulated");
		JsonNode failed = run(job("summarizer", List.of("x"), "platinum", null));
		assertThat(onlyResult(failed).path("error").asString()).contains("model 'platinum' is not in this worker's catalog");
	}

	@Test
	void aTokenBudgetRefusesAJobTooBigAtSubmitAndStopsOneThatSpendsItWithPartialResults() {
		HttpResponse<String> tooBig = client.submit(json(job("summarizer",
				List.of("one two three four five six seven eight nine ten eleven twelve"), null, 5L)), null);
		assertThat(tooBig.statusCode()).isEqualTo(422);
		assertThat(tooBig.body()).contains("budget-exceeded");

		// More results than the aggregator records in one batch (500), so that the budget is seen spent while
		// tasks are still running.
		List<String> inputs = new java.util.ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			inputs.add("Item " + i + " matters. [[tokens 400]]");
		}
		JsonNode job = run(job("summarizer", inputs, null, 20_000L));

		assertThat(job.path("status").asString()).isEqualTo("PARTIAL");
		assertThat(job.path("result").path("reason").asString()).startsWith("token budget of 20000 spent");
		// The budget counts prompt and completion tokens; completion alone may stay under it.
		assertThat(job.path("usage").path("promptTokens").asLong() + job.path("usage").path("completionTokens").asLong())
			.isGreaterThanOrEqualTo(20_000);
		List<JsonNode> results = client.allResults(job.path("jobId").asString(), 1000);
		assertThat(results).isNotEmpty()
			.allSatisfy(result -> assertThat(result.path("output").asString()).startsWith("Summary: Item"));
	}

	/** How many Redis keys match {@code pattern}, asked in Redis' own protocol (RESP) on 127.0.0.1:6379. */
	private static int redisKeys(String pattern) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", 6379)) {
			socket.setSoTimeout(5_000);
			String command = "*2\r\n$4\r\nKEYS\r\n$" + pattern.length() + "\r\n" + pattern + "\r\n";
			socket.getOutputStream().write(command.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			java.io.BufferedReader reply = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
			String header = reply.readLine();
			if (header == null || header.charAt(0) != '*') {
				throw new IllegalStateException("unexpected Redis reply " + header);
			}
			return Integer.parseInt(header.substring(1));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static JsonNode run(ObjectNode body) {
		String jobId = client.submitAccepted(json(body));
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			watch.awaitCompletion(WAIT, true);
		}
		// the job view follows job.completed through the orchestrator's own consumer, a moment later
		return Await.untilValue(WAIT, "job " + jobId + " finished in its view", () -> client.job(jobId),
				JobWatch::isTerminal);
	}

	private static JsonNode onlyResult(JsonNode job) {
		List<JsonNode> results = client.allResults(job.path("jobId").asString(), 10);
		assertThat(results).hasSize(1);
		return results.getFirst();
	}

	private static List<String> kinds(JsonNode result) {
		return StreamSupport.stream(result.path("steps").spliterator(), false)
			.map(step -> step.path("kind").asString())
			.toList();
	}

	private static ObjectNode job(String agent, List<String> inputs, String model, Long maxTokens) {
		ObjectNode body = client.json().createObjectNode();
		body.put("pattern", "scatter-gather");
		body.put("agent", agent);
		body.put("instruction", "Do the work.");
		ArrayNode items = body.putArray("inputs");
		for (int i = 0; i < inputs.size(); i++) {
			items.addObject().put("id", "in-" + i).put("content", inputs.get(i));
		}
		if (model != null) {
			body.put("model", model);
		}
		if (maxTokens != null) {
			body.putObject("limits").put("maxTokens", maxTokens);
		}
		return body;
	}

	private static String json(ObjectNode body) {
		return client.json().writeValueAsString(body);
	}
}
