package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orchestration patterns through the public API, on the whole mesh as processes with the simulated model:
 * a research pipeline, a pipeline failing in the middle, a supervisor planning for specialists, a supervisor
 * emitting an invalid plan, a deadline reached with partial results, success ratios and a capped job cancelled
 * while most of it is still queued.
 *
 * <p>The simulated model answers {@code Summary: <first sentence of its input>}, so an output that went through
 * {@code n} stages starts with {@code n} times {@code Summary: } — which is how these tests see one stage's output
 * become the next stage's input. {@code [[answer]]…[[/answer]]} scripts an answer (a plan, or an answer carrying
 * a directive for the next stage); {@code [[repeat <tool> {}]]} makes a task loop until its step limit fails it
 * for good.
 */
class PatternsIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String FAIL_FOR_GOOD = "[[repeat memory_read {}]]";

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	@BeforeAll
	static void startMesh() {
		mesh = SystemTestMesh.start(PatternsIntegrationTests.class,
				MeshOptions.defaults().withBasePort(18780).withWorkers(2).withSimulatedLatency(Duration.ofMillis(100)));
		client = mesh.client();
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	void aResearchPipelineFeedsEachStageTheOutputOfTheOneBefore() {
		ObjectNode body = pipeline(inputs(Map.of("ants", "Ants build bridges with their bodies. They also farm.",
				"bees", "Bees dance to share directions. Hives hum.")),
				stage("gather", "researcher", "Gather the facts.", null),
				stage("analyse", "summarizer", "Analyse the facts.", null),
				stage("score", "summarizer", "Score the analysis.", "per-input"),
				stage("brief", "summarizer", "Write one brief.", "once"));

		JsonNode job = runToTheEnd(body);

		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("pattern").asString("")).isEqualTo("pipeline");
		assertThat(job.path("tasks").path("succeeded").asInt()).isEqualTo(7);
		Map<String, String> outputs = outputs(job.path("jobId").asString());
		assertThat(outputs.keySet()).containsExactlyInAnyOrder("gather/ants", "gather/bees", "analyse/ants",
				"analyse/bees", "score/ants", "score/bees", "brief");
		assertThat(outputs.get("gather/ants")).isEqualTo("Summary: Ants build bridges with their bodies.");
		assertThat(outputs.get("analyse/ants")).isEqualTo("Summary: Summary: Ants build bridges with their bodies.");
		assertThat(outputs.get("score/bees")).isEqualTo("Summary: Summary: Summary: Bees dance to share directions.");
		assertThat(outputs.get("brief")).startsWith("Summary: ");
	}

	@Test
	void anItemFailingInTheMiddleOfAPipelineGoesNoFurtherAndTheJobIsPartial() {
		// "broken"'s first stage answers a text carrying a directive, so its second stage fails for good.
		ObjectNode body = pipeline(inputs(Map.of("fine", "Fine input here. More.",
				"broken", "[[answer]]Broken input. " + FAIL_FOR_GOOD + "[[/answer]]")),
				stage("gather", "summarizer", "Gather.", null),
				stage("analyse", "summarizer", "Analyse.", null),
				stage("score", "summarizer", "Score.", null),
				stage("brief", "summarizer", "Brief.", "once"));

		JsonNode job = runToTheEnd(body);

		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("PARTIAL");
		Map<String, String> outputs = outputs(job.path("jobId").asString());
		assertThat(outputs).containsKeys("gather/fine", "analyse/fine", "score/fine", "brief", "gather/broken")
			.doesNotContainKeys("analyse/broken", "score/broken");
		Map<String, JsonNode> missing = missing(job);
		assertThat(missing).containsOnlyKeys("analyse/broken", "score/broken");
		assertThat(missing.get("analyse/broken").path("status").asString("")).isEqualTo("failed");
		assertThat(missing.get("score/broken").path("status").asString("")).isEqualTo("skipped");
	}

	@Test
	void aStageFailingForEveryItemFailsThePipelineSayingWhere() {
		ObjectNode body = pipeline(inputs(Map.of("one", "One. Two.", "two", "Three. Four.")),
				stage("gather", "summarizer", "Gather.", null),
				stage("analyse", "summarizer", "Analyse. " + FAIL_FOR_GOOD, null),
				stage("brief", "summarizer", "Brief.", "once"));

		JsonNode job = runToTheEnd(body);

		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("FAILED");
		assertThat(job.toString()).contains("analyse");
		assertThat(outputs(job.path("jobId").asString())).containsOnlyKeys("gather/one", "gather/two");
	}

	@Test
	void aSupervisorPlansSpecialistsRunThemAndTheAnswerIsComposed() {
		String plan = """
				{"subtasks": [
				  {"id": "facts", "agent": "researcher", "instruction": "Find the facts.", "input": "Ants farm fungus. Really."},
				  {"id": "gist", "agent": "summarizer", "instruction": "Give the gist.", "input": "Bees dance. Often."}
				]}""";
		ObjectNode body = supervisor("Compare ants and bees.", "[[answer]]" + plan + "[[/answer]]",
				List.of("researcher", "summarizer"));

		JsonNode job = runToTheEnd(body);

		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("SUCCEEDED");
		Map<String, String> outputs = outputs(job.path("jobId").asString());
		assertThat(outputs).containsOnlyKeys("plan", "facts", "gist", "answer");
		assertThat(outputs.get("facts")).isEqualTo("Summary: Ants farm fungus.");
		assertThat(outputs.get("gist")).isEqualTo("Summary: Bees dance.");
		assertThat(outputs.get("answer")).startsWith("Summary: ");
	}

	@Test
	void aSupervisorEmittingAnInvalidPlanFailsTheJobWithWhatIsWrongAndNothingRuns() {
		String tooMany = "{\"subtasks\": [" + String.join(",", java.util.Collections.nCopies(4,
				"{\"agent\": \"summarizer\", \"instruction\": \"x\"}")) + "]}";
		for (String plan : List.of("I would rather not plan.", tooMany,
				"{\"subtasks\": [{\"agent\": \"operator\", \"instruction\": \"Delete things.\"}]}")) {
			ObjectNode body = supervisor("Do it.", "[[answer]]" + plan + "[[/answer]]", List.of("summarizer"));
			body.putObject("plan").put("maxSubtasks", 3);

			JsonNode job = runToTheEnd(body);

			assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("FAILED");
			assertThat(job.toString()).as(plan).contains("invalid plan");
			assertThat(outputs(job.path("jobId").asString())).as(plan).containsOnlyKeys("plan");
		}
	}

	@Test
	void aDeadlineReachedEndsTheJobPartialListingWhatIsMissing() {
		// One task at a time, 30 of them at 100 ms each at least: a 2 s deadline cannot see them all.
		ObjectNode body = scatterGather(30);
		body.putObject("limits").put("deadline", "PT2S").put("maxConcurrency", 1);

		JsonNode job = runToTheEnd(body);

		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("PARTIAL");
		int succeeded = job.path("tasks").path("succeeded").asInt();
		assertThat(succeeded).isBetween(1, 29);
		Map<String, JsonNode> missing = missing(job);
		assertThat(missing).hasSize(30 - succeeded);
		assertThat(missing.values()).allSatisfy(task -> assertThat(task.path("status").asString("")).isEqualTo("unfinished"));
	}

	@Test
	void aSuccessRatioDecidesBetweenPartialAndFailed() {
		ObjectNode reached = scatterGather(10);
		failSome(reached, 3);
		reached.putObject("limits").put("successRatio", 0.5);
		ObjectNode missed = scatterGather(10);
		failSome(missed, 3);
		missed.putObject("limits").put("successRatio", 0.9);

		JsonNode partial = runToTheEnd(reached);
		JsonNode failed = runToTheEnd(missed);

		assertThat(partial.path("status").asString("")).as(partial.toString()).isEqualTo("PARTIAL");
		assertThat(failed.path("status").asString("")).as(failed.toString()).isEqualTo("FAILED");
		assertThat(failed.toString()).contains("success ratio 0.9 not reached");
	}

	@Test
	void cancellingACappedJobStopsWhatIsRunningAndNeverDispatchesWhatIsQueued() {
		ObjectNode body = scatterGather(40);
		body.putObject("limits").put("maxConcurrency", 2);
		String jobId = client.submitAccepted(body.toString());
		Await.until(Duration.ofSeconds(60), "a first result of " + jobId,
				() -> client.job(jobId).path("tasks").path("succeeded").asInt() > 0);

		HttpResponse<String> cancelled = client.send(client.authorized("/api/v1/jobs/" + jobId).DELETE().build());

		assertThat(cancelled.statusCode()).as(cancelled.body()).isIn(200, 202);
		JsonNode job = Await.untilValue(Duration.ofSeconds(30), "job " + jobId + " cancelled in its view",
				() -> client.job(jobId), JobWatch::isTerminal);
		assertThat(job.path("status").asString("")).isEqualTo("CANCELLED");
		assertThat(mesh.countRows("select count(*) from orchestrator.tasks where job_id = '" + jobId
				+ "' and status in ('READY', 'WAITING')")).as("tasks still waiting to be dispatched").isZero();
		long dispatched = mesh.countRows("select count(*) from orchestrator.tasks where job_id = '" + jobId
				+ "' and status not in ('ABANDONED', 'SKIPPED')");
		assertThat(dispatched).as("tasks ever dispatched of 40 with a cap of 2").isLessThan(40);
	}

	private static JsonNode runToTheEnd(ObjectNode body) {
		String jobId = client.submitAccepted(body.toString());
		return Await.untilValue(Duration.ofMinutes(2), "job " + jobId + " finished in its view" + mesh.logTails(),
				() -> client.job(jobId), JobWatch::isTerminal);
	}

	private static Map<String, String> outputs(String jobId) {
		return client.allResults(jobId, 100)
			.stream()
			.filter(result -> "SUCCEEDED".equals(result.path("status").asString("")))
			.collect(Collectors.toMap(result -> result.path("inputId").asString(),
					result -> result.path("output").asString()));
	}

	private static Map<String, JsonNode> missing(JsonNode job) {
		return java.util.stream.StreamSupport.stream(job.path("missing").spliterator(), false)
			.collect(Collectors.toMap(task -> task.path("inputId").asString(), Function.identity()));
	}

	private static ArrayNode inputs(Map<String, String> contents) {
		ArrayNode inputs = json.createArrayNode();
		contents.entrySet().stream().sorted(Map.Entry.comparingByKey())
			.forEach(entry -> inputs.addObject().put("id", entry.getKey()).put("content", entry.getValue()));
		return inputs;
	}

	private static ObjectNode stage(String name, String agent, String instruction, String fanOut) {
		ObjectNode stage = json.createObjectNode().put("name", name).put("agent", agent).put("instruction", instruction);
		if (fanOut != null) {
			stage.put("fanOut", fanOut);
		}
		return stage;
	}

	private static ObjectNode pipeline(ArrayNode inputs, ObjectNode... stages) {
		ObjectNode body = json.createObjectNode().put("pattern", "pipeline");
		body.set("inputs", inputs);
		ArrayNode list = body.putArray("stages");
		for (ObjectNode stage : stages) {
			list.add(stage);
		}
		return body;
	}

	private static ObjectNode supervisor(String instruction, String content, List<String> specialists) {
		ObjectNode body = json.createObjectNode()
			.put("pattern", "supervisor")
			.put("supervisor", "supervisor")
			.put("instruction", instruction);
		body.putObject("input").put("id", "request").put("content", content);
		ArrayNode list = body.putArray("specialists");
		specialists.forEach(list::add);
		return body;
	}

	private static ObjectNode scatterGather(int inputs) {
		ObjectNode body = json.createObjectNode()
			.put("pattern", "scatter-gather")
			.put("agent", "summarizer")
			.put("instruction", "Summarise.");
		ArrayNode list = body.putArray("inputs");
		for (int i = 1; i <= inputs; i++) {
			list.addObject().put("id", "doc-%02d".formatted(i)).put("content", "Document number " + i + ". It is short.");
		}
		return body;
	}

	private static void failSome(ObjectNode body, int count) {
		for (int i = 0; i < count; i++) {
			ObjectNode input = (ObjectNode) body.path("inputs").get(i);
			input.put("content", input.path("content").asString() + " " + FAIL_FOR_GOOD);
		}
	}
}
