package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.cli.UsageError;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.client.SseEvent;
import io.colony.benchmarks.console.FleetScreenshot;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench scatter-gather --tasks N --latency-ms L [--llm-url URL [--llm-concurrency C]] [--workers K]
 * [--warmup-tasks W] [--keep-logs] [--base-port P] [--console-screenshot FILE]}: launches a private mesh, runs one job
 * of N tasks through the gateway and prints one JSON line (see README.md). The clock runs from just before the POST to
 * the receipt of {@code job.completed}. With {@code --console-screenshot}, the console's fleet view is captured in
 * headless Chromium once half the job's tasks are done.
 */
public final class ScatterGatherBench {

	private static final Duration SCREENSHOT_WAIT = Duration.ofMinutes(2);

	private final PrintStream out;

	private final PrintStream err;

	private final Path screenshot;

	private final CountDownLatch halfway = new CountDownLatch(1);

	private final AtomicReference<RuntimeException> screenshotFailure = new AtomicReference<>();

	private ScatterGatherBench(PrintStream out, PrintStream err, Path screenshot) {
		this.out = out;
		this.err = err;
		this.screenshot = screenshot;
	}

	public static int run(List<String> arguments, PrintStream out, PrintStream err) {
		if (arguments.isEmpty() || !"scatter-gather".equals(arguments.getFirst())) {
			throw new UsageError("bench needs a benchmark name: bench scatter-gather --tasks N --latency-ms L ...");
		}
		Args args = Args.parse(arguments.subList(1, arguments.size()), Set.of("keep-logs"));
		int tasks = args.integer("tasks", 10_000, 1, 1_000_000);
		Duration latency = args.millis("latency-ms", 2000);
		URI llmUrl = args.uri("llm-url", null);
		int workers = args.integer("workers", 2, 1, 50);
		int llmConcurrency = args.integer("llm-concurrency", 0, 0, 1_000_000);
		boolean keepLogs = args.flag("keep-logs");
		int warmupTasks = args.integer("warmup-tasks", 2000, 0, 1_000_000);
		int basePort = args.integer("base-port", 28_080, 1024, 65_000);
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 1800, 10, 86_400));
		String screenshot = args.optional("console-screenshot");
		if (screenshot != null && !screenshot.endsWith(".png")) {
			throw new UsageError("--console-screenshot must name a .png file, was " + screenshot);
		}
		args.requireAllKnown();
		MeshOptions options = MeshOptions.defaults()
			.withBasePort(basePort)
			.withWorkers(workers)
			.withSimulatedLatency(latency)
			.withLlmUrl(llmUrl)
			.withWorkerArguments(llmConcurrency > 0
					? List.of("--colony.worker.llm.limits.providers.openai.concurrency.max=" + llmConcurrency,
							"--colony.worker.llm.limits.providers.openai.concurrency.initial=" + llmConcurrency,
							"--colony.worker.llm.openai.max-connections=" + llmConcurrency)
					: List.of());
		return new ScatterGatherBench(out, err, screenshot == null ? null : Path.of(screenshot)).execute(options, tasks,
				warmupTasks, latency, timeout, keepLogs);
	}

	private int execute(MeshOptions options, int tasks, int warmupTasks, Duration latency, Duration timeout,
			boolean keepLogs) {
		boolean succeeded = false;
		try (MeshLauncher mesh = MeshLauncher.start(options, line -> err.println("[mesh] " + line))) {
			warmUp(mesh, warmupTasks, timeout);
			BenchReport report = measure(mesh, tasks, warmupTasks, latency, timeout);
			out.println(report.toJson(new ColonyClient(mesh.gatewayUrl()).json()));
			out.flush();
			succeeded = "SUCCEEDED".equals(report.status()) && report.lost() == 0;
			if (!succeeded) {
				err.println("[bench] job ended " + report.status() + " with " + report.lost() + " lost results; logs kept in "
						+ options.logDirectory());
			}
			if (screenshotFailure.get() != null) {
				err.println("[bench] console screenshot failed: " + screenshotFailure.get().getMessage());
				return 1;
			}
			return "SUCCEEDED".equals(report.status()) ? 0 : 1;
		}
		finally {
			if (succeeded && !keepLogs) {
				deleteLogs(options.logDirectory());
			}
		}
	}

	/**
	 * Freshly started JVMs run interpreted code for their first few thousand messages; one unmeasured job
	 * first makes the figure describe the mesh as it runs, not as it starts.
	 */
	private void warmUp(MeshLauncher mesh, int warmupTasks, Duration timeout) {
		if (warmupTasks == 0) {
			return;
		}
		ColonyClient client = new ColonyClient(mesh.gatewayUrl()).authenticate();
		String body = client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), warmupTasks));
		err.printf("[bench] warming up with a job of %d tasks (not measured)%n", warmupTasks);
		String jobId = client.submitAccepted(body);
		try (JobWatch watch = JobWatch.open(client, jobId, event -> {
		})) {
			watch.awaitCompletion(timeout, true);
		}
	}

	private BenchReport measure(MeshLauncher mesh, int tasks, int warmupTasks, Duration latency, Duration timeout) {
		ColonyClient client = new ColonyClient(mesh.gatewayUrl()).authenticate();
		String body = client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), tasks));
		List<String> inputIds = new ArrayList<>(tasks);
		for (int i = 1; i <= tasks; i++) {
			inputIds.add(Documents.inputId(i));
		}
		err.printf("[bench] submitting %d tasks (%.1f MB)%n", tasks, body.length() / 1e6);
		long started = System.nanoTime();
		String jobId = client.submitAccepted(body);
		err.println("[bench] job " + jobId + " accepted");
		Thread photographer = screenshot == null ? null
				: Thread.ofVirtual().name("console-screenshot").start(() -> photographFleet(mesh, client));
		JobWatch.Completion completion;
		try (JobWatch watch = JobWatch.open(client, jobId, event -> progress(client, event))) {
			completion = watch.awaitCompletion(timeout, true);
		}
		finally {
			halfway.countDown();
		}
		if (photographer != null) {
			awaitScreenshot(photographer);
		}
		double wallSeconds = (completion.receivedNanos() - started) / 1e9;
		if (!completion.fromStream()) {
			err.println("[bench] job.completed was not received on the stream; wall time is when the job was found finished");
		}
		JsonNode job = client.job(jobId);
		String status = job.path("status").asString("UNKNOWN");
		Instant acceptedAt = ResultAudit.instant(job.path("acceptedAt"));
		if (acceptedAt == null) {
			throw new CommandFailed("GET /api/v1/jobs/" + jobId + " has no acceptedAt; cannot compute task latencies");
		}
		List<JsonNode> results = client.allResults(jobId, 1000);
		ResultAudit audit = ResultAudit.of(inputIds, results, acceptedAt);
		err.printf("[bench] %s in %.3f s: %d results, %d failed, %d lost, %d duplicated%n", status, wallSeconds,
				audit.results(), audit.failed(), audit.lost(), audit.duplicated());
		Percentiles percentiles = new Percentiles(audit.latenciesMillis());
		String llm = mesh.options().llmUrl() == null ? "simulated" : mesh.options().llmUrl().toString();
		return new BenchReport("scatter-gather", tasks, latency.toMillis(), mesh.options().workers(), llm, warmupTasks,
				status,
				wallSeconds, percentiles.at(50), percentiles.at(99), audit.lost(), audit.duplicated());
	}

	private void progress(ColonyClient client, SseEvent event) {
		if (JobWatch.PROGRESS.equals(event.name())) {
			JsonNode tasks = client.parse(event.data()).path("tasks");
			int done = tasks.path("succeeded").asInt(0) + tasks.path("failed").asInt(0);
			if (2L * done >= tasks.path("total").asInt(Integer.MAX_VALUE)) {
				halfway.countDown();
			}
			err.printf("[bench] progress %d/%d (failed %d)%n", done, tasks.path("total").asInt(0),
					tasks.path("failed").asInt(0));
		}
	}

	/** Once half the tasks are done (or the job ended), the fleet view as an operator of the job's tenant sees it. */
	private void photographFleet(MeshLauncher mesh, ColonyClient client) {
		try {
			halfway.await();
			String operatorToken = client.mintToken(FleetScreenshot.OPERATOR_SCOPE, Map.of());
			FleetScreenshot.take(mesh.gatewayUrl(), operatorToken, screenshot, SCREENSHOT_WAIT);
			err.println("[bench] console fleet view saved to " + screenshot);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			screenshotFailure.set(new CommandFailed("interrupted"));
		}
		catch (RuntimeException ex) {
			screenshotFailure.set(ex);
		}
	}

	private void awaitScreenshot(Thread photographer) {
		try {
			if (!photographer.join(SCREENSHOT_WAIT.plusSeconds(30))) {
				photographer.interrupt();
				screenshotFailure.compareAndSet(null, new CommandFailed("no screenshot within " + SCREENSHOT_WAIT));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandFailed("interrupted while taking the console screenshot", ex);
		}
	}

	private void deleteLogs(Path directory) {
		try (var files = Files.list(directory)) {
			for (Path file : files.filter(path -> path.toString().endsWith(".log")).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			err.println("[bench] could not delete logs in " + directory + ": " + ex.getMessage());
		}
	}
}
