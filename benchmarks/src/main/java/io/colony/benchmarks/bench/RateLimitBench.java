package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.llm.LlmSimulator;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench rate-limit --tasks N --rpm R [--workers K] [--window-s W] [--latency-ms L]}: a fleet of K workers
 * shares one requests-per-minute limit for the OpenAI-compatible provider (held in Redis). One job of N tasks
 * runs through the gateway against the LLM simulator, which records when each request arrived; the report
 * gives the most requests the simulator saw in any sliding minute (and in any sliding limiter window) next to
 * the limit, and whether every task completed.
 */
public final class RateLimitBench {

	private RateLimitBench() {
	}

	public static int run(Args args, PrintStream out, PrintStream err) {
		int tasks = args.integer("tasks", 1200, 1, 100_000);
		int rpm = args.integer("rpm", 1200, 1, 1_000_000);
		int workers = args.integer("workers", 2, 1, 20);
		int windowSeconds = args.integer("window-s", 10, 1, 60);
		Duration latency = args.millis("latency-ms", 200);
		int basePort = args.integer("base-port", 28_080, 1024, 65_000);
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 1800, 10, 86_400));
		args.requireAllKnown();
		Duration window = Duration.ofSeconds(windowSeconds);
		try (LlmSimulator simulator = LlmSimulator.start("127.0.0.1", 0, latency)) {
			MeshOptions options = MeshOptions.defaults()
				.withBasePort(basePort)
				.withWorkers(workers)
				.withLlmUrl(URI.create(simulator.baseUrl() + "/v1"))
				.withWorkerArguments(List.of("--colony.worker.llm.limits.window=" + window,
						"--colony.worker.llm.limits.providers.openai.requests-per-minute=" + rpm,
						"--colony.worker.llm.cache.max-entries=0"));
			try (MeshLauncher mesh = MeshLauncher.start(options, line -> err.println("[mesh] " + line))) {
				ColonyClient client = new ColonyClient(mesh.gatewayUrl()).authenticate();
				String body = client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), tasks));
				simulator.resetStats();
				long started = System.nanoTime();
				String jobId = client.submitAccepted(body);
				err.printf("[bench] job %s of %d tasks accepted; %d workers share %d requests/minute%n", jobId, tasks,
						workers, rpm);
				JobWatch.Completion completion;
				try (JobWatch watch = JobWatch.open(client, jobId, event -> {
				})) {
					completion = watch.awaitCompletion(timeout, true);
				}
				double wallSeconds = (completion.receivedNanos() - started) / 1e9;
				JsonNode job = client.job(jobId);
				List<JsonNode> results = client.allResults(jobId, 1000);
				List<String> inputIds = new ArrayList<>(tasks);
				for (int i = 1; i <= tasks; i++) {
					inputIds.add(Documents.inputId(i));
				}
				ResultAudit audit = ResultAudit.of(inputIds, results, ResultAudit.instant(job.path("acceptedAt")));
				int perMinute = simulator.maxArrivalsWithin(Duration.ofMinutes(1));
				int perWindow = simulator.maxArrivalsWithin(window);
				long windowLimit = (long) rpm * window.toMillis() / Duration.ofMinutes(1).toMillis();
				Map<String, Object> report = new LinkedHashMap<>();
				report.put("bench", "rate-limit");
				report.put("tasks", tasks);
				report.put("workers", workers);
				report.put("limitRequestsPerMinute", rpm);
				report.put("windowSeconds", windowSeconds);
				report.put("limitPerWindow", windowLimit);
				report.put("maxRequestsInAnyMinuteAtLlm", perMinute);
				report.put("maxRequestsInAnyWindowAtLlm", perWindow);
				report.put("requestsAtLlm", simulator.stats().requests());
				report.put("status", job.path("status").asString("UNKNOWN"));
				report.put("completed", audit.results() - audit.failed());
				report.put("failed", audit.failed());
				report.put("lost", audit.lost());
				report.put("wallSeconds", Math.round(wallSeconds * 1000) / 1000.0);
				report.put("averageRequestsPerMinute", Math.round(simulator.stats().requests() / wallSeconds * 60));
				out.println(JsonMapper.builder().build().writeValueAsString(report));
				out.flush();
				boolean within = perMinute <= rpm && perWindow <= windowLimit;
				boolean complete = audit.lost() == 0 && audit.failed() == 0;
				if (!within) {
					err.println("[bench] the fleet exceeded its limit at the simulator");
				}
				return within && complete ? 0 : 1;
			}
		}
	}
}
