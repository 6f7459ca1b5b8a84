package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace follows a job from the gateway through every RabbitMQ hop — command, outbox relay, task, result — into
 * the agent's LLM and tool calls and the aggregator, as a real Zipkin server received it from every service process
 * and answers it through its query API.
 */
class TraceIntegrationTests {

	private static final String AGENT = "document-extractor";

	private static final String TENANT = "tracing-tenant";

	private static ZipkinServer zipkin;

	private static SystemTestMesh mesh;

	@BeforeAll
	static void startMesh() throws Exception {
		zipkin = ZipkinServer.start(MeshOptions.projectRoot()
			.resolve(Path.of("benchmarks", "target", "mesh-logs", TraceIntegrationTests.class.getSimpleName())));
		mesh = SystemTestMesh.start(TraceIntegrationTests.class, MeshOptions.defaults()
			.withBasePort(18280)
			.withWorkers(1)
			.withSimulatedLatency(Duration.ofMillis(50))
			.withJvmArguments(List.of("-DCOLONY_ZIPKIN_URL=" + zipkin.collectorEndpoint())));
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
		if (zipkin != null) {
			zipkin.close();
		}
	}

	@Test
	void oneTraceFollowsAJobThroughEveryServiceIntoTheAgentsLlmAndToolCalls() {
		ColonyClient client = mesh.client();
		client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, java.util.Map.of("tenant", TENANT)));
		String traceId = HexFormat.of().formatHex(randomBytes(16));
		String parentSpan = HexFormat.of().formatHex(randomBytes(8));
		HttpResponse<String> accepted = client.send(client.submitRequest(client.json().writeValueAsString(job(client)), null)
			.header("traceparent", "00-" + traceId + "-" + parentSpan + "-01")
			.build());
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
		String jobId = client.parse(accepted.body()).path("jobId").asString("");
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			watch.awaitCompletion(Duration.ofMinutes(1), false);
		}

		Set<String> services = Set.of("gateway", "orchestrator", "agent-worker", "aggregator");
		List<ZipkinServer.ReportedSpan> spans = Await.untilValue(Duration.ofSeconds(30),
				"spans of trace " + traceId + " from " + services + ", with the LLM and tool calls" + mesh.logTails()
						+ "\n--- zipkin:\n" + zipkin.logTail(),
				() -> zipkin.trace(traceId),
				seen -> seen.stream().map(ZipkinServer.ReportedSpan::serviceName).collect(Collectors.toSet())
					.containsAll(services) && seen.stream().anyMatch(named("chat "))
						&& seen.stream().anyMatch(named("execute_tool memory_write"))
						// each service reports a span when it ends, on its own schedule: the task's consumer span (which
						// ends with the task) and the aggregator's may come after the others
						&& seen.stream().anyMatch(named("consume agent." + AGENT))
						&& seen.stream().anyMatch(named("receive aggregator.results")));

		assertThat(zipkin.services()).containsAll(services);
		assertThat(spans).allSatisfy(span -> assertThat(span.traceId()).isEqualTo(traceId));

		ZipkinServer.ReportedSpan task = only(spans, span -> span.serviceName().equals("agent-worker")
				&& span.name().equals("consume agent." + AGENT));
		assertThat(task.tags()).containsEntry("colony.job", jobId)
			.containsEntry("colony.tenant", TENANT)
			.containsEntry("colony.agent", AGENT)
			.containsKey("colony.task");
		String taskId = task.tags().get("colony.task");

		List<ZipkinServer.ReportedSpan> llmCalls = spans.stream().filter(named("chat ")).toList();
		assertThat(llmCalls).as("the model is asked, calls the tool, and is asked again").hasSize(2);
		ZipkinServer.ReportedSpan tool = only(spans, named("execute_tool memory_write"));
		for (ZipkinServer.ReportedSpan call : append(llmCalls, tool)) {
			assertThat(call.serviceName()).isEqualTo("agent-worker");
			assertThat(call.parentId()).as(call.name() + " is a child of the task's consumer span").isEqualTo(task.id());
			assertThat(call.tags()).containsEntry("colony.job", jobId)
				.containsEntry("colony.task", taskId)
				.containsEntry("colony.agent", AGENT)
				.containsEntry("colony.tenant", TENANT);
		}
		assertThat(llmCalls).allSatisfy(call -> assertThat(call.tags()).containsEntry("gen_ai.system", "simulated")
			.containsKey("gen_ai.usage.input_tokens"));

		assertThat(spans).as("the orchestrator took the job's command in the job's trace").anySatisfy(span -> {
			assertThat(span.serviceName()).isEqualTo("orchestrator");
			assertThat(span.name()).startsWith("consume orchestrator");
			assertThat(span.tags()).containsEntry("colony.job", jobId).containsEntry("colony.tenant", TENANT);
		});
		assertThat(spans).as("the worker published its result in the job's trace").anySatisfy(span -> {
			assertThat(span.serviceName()).isEqualTo("agent-worker");
			assertThat(span.name()).contains("colony.results");
		});
		assertThat(spans).as("the aggregator received the task's result in the job's trace").anySatisfy(span -> {
			assertThat(span.serviceName()).isEqualTo("aggregator");
			assertThat(span.name()).isEqualTo("receive aggregator.results");
			assertThat(span.tags()).containsEntry("colony.job", jobId).containsEntry("colony.task", taskId);
		});
		assertThat(spans).as("no span of another job in this trace").allSatisfy(span -> {
			String job = span.tags().get("colony.job");
			assertThat(job == null || job.equals(jobId)).as(span.name() + " of job " + job).isTrue();
		});
	}

	/** One input whose simulated model calls {@code memory_write} once, then answers. */
	private static ObjectNode job(ColonyClient client) {
		ObjectNode job = client.json().createObjectNode();
		job.put("pattern", "scatter-gather");
		job.put("agent", AGENT);
		job.put("instruction", "Extract the parties.");
		ArrayNode inputs = job.putArray("inputs");
		inputs.addObject()
			.put("id", "contract-1")
			.put("content", "Acme sells Globex ten anvils. [[call memory_write {\"key\":\"parties\",\"value\":\"Acme, Globex\"}]]");
		job.putObject("reduce").put("strategy", "collect");
		return job;
	}

	private static Predicate<ZipkinServer.ReportedSpan> named(String prefix) {
		return span -> span.name().startsWith(prefix);
	}

	private static ZipkinServer.ReportedSpan only(List<ZipkinServer.ReportedSpan> spans,
			Predicate<ZipkinServer.ReportedSpan> which) {
		List<ZipkinServer.ReportedSpan> matching = spans.stream().filter(which).toList();
		assertThat(matching).as("exactly one such span in " + spans).hasSize(1);
		return matching.getFirst();
	}

	private static List<ZipkinServer.ReportedSpan> append(List<ZipkinServer.ReportedSpan> spans,
			ZipkinServer.ReportedSpan one) {
		return java.util.stream.Stream.concat(spans.stream(), java.util.stream.Stream.of(one)).toList();
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		ThreadLocalRandom.current().nextBytes(bytes);
		bytes[0] |= 1;
		return bytes;
	}

}
