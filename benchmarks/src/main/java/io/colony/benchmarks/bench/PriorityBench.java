package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code bench priority}: launches a private mesh whose workers run at most {@code --max-running} tasks each,
 * saturates them with one normal job of {@code --normal-tasks}, and, once they are busy, submits
 * {@code --high-jobs} high-priority jobs of {@code --high-inputs} inputs and {@code --control-jobs} normal jobs of
 * the same size in {@code --rounds} rounds (each round some high jobs and one control, back to back, rounds
 * {@code --interval-ms} apart). Prints one JSON line with the p50/p99 wait of each group.
 *
 * <p>Wait = when the task started (left the worker's scheduler) − when it was assigned. Neither is in
 * {@code GET /api/v1/jobs/{id}/results}; they are derived from what is: started = {@code completedAt} − the sum of
 * the steps' {@code latencyMs} (the agent loop's own time), assigned = the job's {@code acceptedAt} (a
 * scatter-gather job's tasks are assigned in the transaction that accepts it). So a wait includes the outbox
 * relay and the broker hop (milliseconds) besides the time queued in the broker and in the worker.
 */
public final class PriorityBench {

	private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED");

	private final PrintStream out;

	private final PrintStream err;

	private PriorityBench(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	record Settings(int normalTasks, int highJobs, int highInputs, int controlJobs, int rounds, Duration interval,
			Duration latency, int workers, int maxRunning, Duration timeout) {
	}

	public static int run(Args args, PrintStream out, PrintStream err) {
		int normalTasks = args.integer("normal-tasks", 5000, 1, 60_000);
		int highJobs = args.integer("high-jobs", 20, 1, 90);
		int highInputs = args.integer("high-inputs", 10, 1, 1000);
		int controlJobs = args.integer("control-jobs", 4, 0, 50);
		int rounds = args.integer("rounds", 4, 1, 100);
		Duration interval = args.millis("interval-ms", 500);
		Duration latency = args.millis("latency-ms", 200);
		int workers = args.integer("workers", 2, 1, 50);
		int maxRunning = args.integer("max-running", 50, 1, 65_535);
		int basePort = args.integer("base-port", 28_080, 1024, 65_000);
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 1800, 10, 86_400));
		Duration startTimeout = Duration.ofSeconds(args.integer("start-timeout-s", 600, 10, 86_400));
		args.requireAllKnown();
		if (highJobs + controlJobs + 1 > 100) {
			throw new CommandFailed("at most 99 high and control jobs: the tenant's default quota is 100 active jobs");
		}
		MeshOptions options = MeshOptions.defaults()
			.withBasePort(basePort)
			.withStartTimeout(startTimeout)
			.withWorkers(workers)
			.withSimulatedLatency(latency)
			.withWorkerArguments(List.of("--colony.worker.max-running-tasks=" + maxRunning));
		Settings settings = new Settings(normalTasks, highJobs, highInputs, controlJobs, rounds, interval, latency,
				workers, maxRunning, timeout);
		try (MeshLauncher mesh = MeshLauncher.start(options, line -> err.println("[mesh] " + line))) {
			return new PriorityBench(out, err).measure(new ColonyClient(mesh.gatewayUrl()).authenticate(), settings);
		}
	}

	private int measure(ColonyClient client, Settings settings) {
		long started = System.nanoTime();
		String normalJob = client.submitAccepted(body(client, settings.normalTasks(), "normal"));
		err.printf("[bench] normal job %s of %d tasks accepted; waiting until the workers are saturated%n", normalJob,
				settings.normalTasks());
		int oneRound = settings.workers() * settings.maxRunning();
		awaitCondition(settings.timeout(), "a first round of the normal job done",
				() -> done(client.job(normalJob)) >= Math.min(oneRound, settings.normalTasks()));
		List<String> highJobs = new ArrayList<>();
		List<String> controlJobs = new ArrayList<>();
		for (int round = 0; round < settings.rounds(); round++) {
			int highs = settings.highJobs() * (round + 1) / settings.rounds() - settings.highJobs() * round / settings.rounds();
			int controls = settings.controlJobs() * (round + 1) / settings.rounds()
					- settings.controlJobs() * round / settings.rounds();
			for (int i = 0; i < Math.max(highs, controls); i++) {
				if (i < highs) {
					highJobs.add(client.submitAccepted(body(client, settings.highInputs(), "high")));
				}
				if (i < controls) {
					controlJobs.add(client.submitAccepted(body(client, settings.highInputs(), "normal")));
				}
			}
			JsonNode normal = client.job(normalJob);
			err.printf("[bench] round %d: %d high and %d control job(s) submitted; normal job %d/%d done%n", round + 1,
					highs, controls, done(normal), settings.normalTasks());
			if (round + 1 < settings.rounds()) {
				pause(settings.interval());
			}
		}
		List<String> all = new ArrayList<>(highJobs);
		all.addAll(controlJobs);
		all.add(normalJob);
		awaitCondition(settings.timeout(), "every job finished",
				() -> all.stream().allMatch(jobId -> TERMINAL.contains(client.job(jobId).path("status").asString(""))));
		double wallSeconds = (System.nanoTime() - started) / 1e9;
		Waits normal = waits(client, List.of(normalJob));
		Waits high = waits(client, highJobs);
		Waits control = waits(client, controlJobs);
		ObjectNode line = client.json().createObjectNode();
		line.put("bench", "priority");
		line.put("normalTasks", normal.waits().size());
		line.put("highTasks", high.waits().size());
		line.put("controlNormalTasks", control.waits().size());
		line.put("highWaitP50Ms", high.percentile(50));
		line.put("highWaitP99Ms", high.percentile(99));
		line.put("normalWaitP50Ms", normal.percentile(50));
		line.put("normalWaitP99Ms", normal.percentile(99));
		line.put("controlNormalWaitP50Ms", control.percentile(50));
		line.put("controlNormalWaitP99Ms", control.percentile(99));
		line.put("latencyMs", settings.latency().toMillis());
		line.put("workers", settings.workers());
		line.put("maxRunningTasks", settings.maxRunning());
		line.put("failed", normal.failed() + high.failed() + control.failed());
		line.put("untimed", normal.untimed() + high.untimed() + control.untimed());
		line.put("wallSeconds", BigDecimal.valueOf(wallSeconds).setScale(3, RoundingMode.HALF_UP));
		line.put("wait", "completedAt - sum(steps.latencyMs) - job.acceptedAt");
		out.println(client.json().writeValueAsString(line));
		out.flush();
		return normal.failed() + high.failed() + control.failed() == 0 ? 0 : 1;
	}

	record Waits(List<Long> waits, int failed, int untimed) {

		long percentile(double percent) {
			return new Percentiles(waits.stream().mapToLong(Long::longValue).toArray()).at(percent);
		}
	}

	/** The waits of every task of {@code jobIds} (see the class comment for how a wait is derived). */
	private Waits waits(ColonyClient client, List<String> jobIds) {
		List<Long> waits = new ArrayList<>();
		int failed = 0;
		int untimed = 0;
		for (String jobId : jobIds) {
			Instant acceptedAt = ResultAudit.instant(client.job(jobId).path("acceptedAt"));
			for (JsonNode result : client.allResults(jobId, 1000)) {
				if (!"SUCCEEDED".equals(result.path("status").asString(""))) {
					failed++;
					continue;
				}
				Instant completedAt = ResultAudit.instant(result.path("completedAt"));
				if (acceptedAt == null || completedAt == null) {
					untimed++;
					continue;
				}
				long ran = 0;
				for (JsonNode step : result.path("steps")) {
					ran += step.path("latencyMs").asLong(0);
				}
				waits.add(Math.max(0, Duration.between(acceptedAt, completedAt).toMillis() - ran));
			}
		}
		return new Waits(waits, failed, untimed);
	}

	private static String body(ColonyClient client, int inputs, String priority) {
		ObjectNode job = Documents.scatterGatherJob(client.json(), inputs);
		job.put("priority", priority);
		return client.json().writeValueAsString(job);
	}

	private static int done(JsonNode job) {
		JsonNode tasks = job.path("tasks");
		return tasks.path("succeeded").asInt(0) + tasks.path("failed").asInt(0);
	}

	/** Polls {@code condition} every 100 ms until it holds or {@code timeout} has passed. */
	private static void awaitCondition(Duration timeout, String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new CommandFailed("timed out after " + timeout + " waiting for " + what);
			}
			pause(Duration.ofMillis(100));
		}
	}

	private static void pause(Duration duration) {
		LockSupport.parkNanos(duration.toNanos());
		if (Thread.interrupted()) {
			Thread.currentThread().interrupt();
			throw new CommandFailed("interrupted");
		}
	}
}
