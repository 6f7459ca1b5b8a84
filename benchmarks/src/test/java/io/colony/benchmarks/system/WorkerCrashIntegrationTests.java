package io.colony.benchmarks.system;

import io.colony.benchmarks.bench.ResultAudit;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker process killed with SIGKILL in the middle of a job: its unacknowledged tasks go back to the queue,
 * the other worker runs them, and the job still ends with exactly one result per input.
 */
class WorkerCrashIntegrationTests {

	private static final int TASKS = 1500;

	/** Each worker holds at most this many tasks, so the job takes several latencies and a kill lands mid-job. */
	private static final int CAPACITY = 100;

	private static SystemTestMesh mesh;

	@BeforeAll
	static void startMesh() {
		mesh = SystemTestMesh.start(WorkerCrashIntegrationTests.class,
				MeshOptions.defaults()
					.withBasePort(18180)
					.withWorkers(2)
					.withSimulatedLatency(Duration.ofSeconds(1))
					.withWorkerArguments(List.of("--colony.worker.capacity=" + CAPACITY)));
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	void aJobSurvivesAWorkerKilledMidway() {
		ColonyClient client = mesh.client();
		JsonMapper json = client.json();
		String jobId = client.submitAccepted(json.writeValueAsString(Documents.scatterGatherJob(json, TASKS)));
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			Await.until(Duration.ofSeconds(60), "the first results of job " + jobId,
					() -> client.job(jobId).path("tasks").path("succeeded").asInt(0) >= 2 * CAPACITY);
			mesh.launcher().kill(MeshLauncher.worker(1));
			int succeededAtKill = client.job(jobId).path("tasks").path("succeeded").asInt(0);
			assertThat(succeededAtKill).as("results in when the worker was killed").isLessThan(TASKS);

			watch.awaitCompletion(Duration.ofMinutes(2), true);
		}
		assertThat(mesh.launcher().isAlive(MeshLauncher.worker(2))).isTrue();

		JsonNode job = Await.untilValue(Duration.ofSeconds(30), "job " + jobId + " finished in its view",
				() -> client.job(jobId), JobWatch::isTerminal);
		assertThat(job.path("status").asString("")).as("job %s%s", job, mesh.logTails()).isEqualTo("SUCCEEDED");
		List<JsonNode> results = client.allResults(jobId, 1000);
		ResultAudit audit = ResultAudit.of(IntStream.rangeClosed(1, TASKS).mapToObj(Documents::inputId).toList(), results,
				ResultAudit.instant(job.path("acceptedAt")));
		assertThat(audit.lost()).as("inputs without a result").isZero();
		assertThat(audit.duplicated()).as("results beyond one per input").isZero();
		assertThat(audit.results()).isEqualTo(TASKS);
		assertThat(audit.failed()).isZero();
	}
}
