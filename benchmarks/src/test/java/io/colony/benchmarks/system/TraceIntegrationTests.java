package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace follows a job from the gateway through every RabbitMQ hop — command, outbox relay, task, result —
 * into the aggregator, as reported to Zipkin by each service process.
 */
class TraceIntegrationTests {

	private static ZipkinCollector zipkin;

	private static SystemTestMesh mesh;

	@BeforeAll
	static void startMesh() throws Exception {
		zipkin = new ZipkinCollector();
		mesh = SystemTestMesh.start(TraceIntegrationTests.class, MeshOptions.defaults()
			.withBasePort(18280)
			.withWorkers(1)
			.withSimulatedLatency(Duration.ofMillis(50))
			.withJvmArguments(List.of("-DCOLONY_ZIPKIN_URL=" + zipkin.endpoint())));
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
	void oneTraceIdFollowsAJobThroughEveryService() {
		ColonyClient client = mesh.client();
		String traceId = HexFormat.of().formatHex(randomBytes(16));
		String parentSpan = HexFormat.of().formatHex(randomBytes(8));
		String body = client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), 5));
		HttpResponse<String> accepted = client.send(client.submitRequest(body, null)
			.header("traceparent", "00-" + traceId + "-" + parentSpan + "-01")
			.build());
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
		String jobId = client.parse(accepted.body()).path("jobId").asString("");
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			watch.awaitCompletion(Duration.ofMinutes(1), false);
		}

		Set<String> expected = Set.of("gateway", "orchestrator", "agent-worker", "aggregator");
		Set<String> services = Await.untilValue(Duration.ofSeconds(30),
				"spans of trace " + traceId + " from " + expected + mesh.logTails(),
				() -> zipkin.trace(traceId).stream().map(ZipkinCollector.ReceivedSpan::serviceName)
					.collect(Collectors.toSet()),
				seen -> seen.containsAll(expected));
		assertThat(services).containsAll(expected);
		List<ZipkinCollector.ReceivedSpan> spans = zipkin.trace(traceId);
		assertThat(spans).as("the worker consumed the task and published its result in the job's trace")
			.anySatisfy(span -> {
				assertThat(span.serviceName()).isEqualTo("agent-worker");
				assertThat(span.name()).contains("colony.results");
			});
		assertThat(spans).as("the aggregator recorded results in the job's trace")
			.anySatisfy(span -> assertThat(span.serviceName()).isEqualTo("aggregator"));
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		ThreadLocalRandom.current().nextBytes(bytes);
		bytes[0] |= 1;
		return bytes;
	}
}
