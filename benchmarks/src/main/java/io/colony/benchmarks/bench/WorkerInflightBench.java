package io.colony.benchmarks.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.llm.LlmSimulator;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskMessage;
import io.colony.contracts.TenantId;
import io.colony.platform.testing.ColonyTestEnvironment;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench worker-inflight --tasks N --latency-ms L [--heap 1g] [--warmup-tasks W]}: how many LLM calls one
 * worker JVM holds open at once, and what each costs. Starts one worker process ({@code -Xmx<heap>}) against the
 * benchmarks' OpenAI-compatible simulator over real HTTP and publishes tasks straight to its queue: after an
 * unmeasured warm-up, round 1 lets the simulator answer after L ms and reports the most calls it saw open at
 * once and the worker's CPU time per call (from {@code /proc/<pid>/stat}); round 2 has the simulator hold every
 * answer until all N calls are open, then reports the worker's heap per open call (heap after a full GC while
 * they are open, minus heap after a full GC when idle) and its live threads, and lets them finish.
 */
public final class WorkerInflightBench {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final PrintStream out;

	private final PrintStream err;

	private WorkerInflightBench(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	public static int run(Args args, PrintStream out, PrintStream err) {
		int tasks = args.integer("tasks", 12_000, 1, 60_000);
		Duration latency = args.millis("latency-ms", 2000);
		String heap = args.string("heap", "1g");
		int warmup = args.integer("warmup-tasks", 12_000, 0, 60_000);
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 600, 10, 86_400));
		args.requireAllKnown();
		return new WorkerInflightBench(out, err).execute(tasks, warmup, latency, heap, timeout);
	}

	private int execute(int tasks, int warmup, Duration latency, String heap, Duration timeout) {
		Path root = MeshOptions.projectRoot();
		Path jar = root.resolve("agent-worker-service/target/agent-worker-service.jar");
		if (!Files.isRegularFile(jar)) {
			throw new CommandFailed(jar + " is missing: build first (./colony build)");
		}
		try (ColonyTestEnvironment env = ColonyTestEnvironment.create();
				LlmSimulator simulator = LlmSimulator.start("127.0.0.1", 0, latency)) {
			int port = freePort();
			Path log = Files.createTempFile("colony-worker-inflight-", ".log");
			List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
					"--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "--server.port=" + port,
					"--colony.worker.capacity=" + tasks, "--colony.worker.max-running-tasks=" + tasks, "--colony.worker.catalog.serve=summarizer",
					"--colony.worker.llm.provider=openai", "--colony.worker.llm.openai.base-url=" + simulator.baseUrl() + "/v1",
					"--colony.worker.llm.openai.max-connections=" + (tasks + 100),
					"--colony.worker.llm.openai.timeout=PT120S", "--colony.worker.llm.timeout=PT120S",
					"--colony.worker.llm.limits.providers.openai.concurrency.max=" + (tasks + 100),
					"--colony.worker.llm.limits.providers.openai.concurrency.initial=" + (tasks + 100),
					"--colony.worker.llm.cache.max-entries=0", "--management.endpoints.web.exposure.include=health,prometheus"));
			env.properties().forEach((key, value) -> command.add("--" + key + "=" + value));
			Process worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			try {
				return measure(env, simulator, worker, port, tasks, warmup, latency, heap, timeout, log);
			}
			finally {
				worker.destroy();
				if (!worker.waitFor(30, TimeUnit.SECONDS)) {
					worker.destroyForcibly();
				}
			}
		}
		catch (IOException ex) {
			throw new CommandFailed("worker-inflight: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandFailed("interrupted");
		}
	}

	private int measure(ColonyTestEnvironment env, LlmSimulator simulator, Process worker, int port, int tasks, int warmup,
			Duration latency, String heap, Duration timeout, Path log) throws IOException, InterruptedException {
		URI base = URI.create("http://127.0.0.1:" + port);
		awaitUp(worker, base, log);
		long pid = worker.pid();
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setVirtualHost(env.broker().vhost());
		AtomicInteger results = new AtomicInteger();
		try (Connection connection = factory.newConnection("worker-inflight-bench")) {
			Channel consumer = connection.createChannel();
			String resultsQueue = consumer.queueDeclare("", false, true, true, null).getQueue();
			consumer.queueBind(resultsQueue, "colony.results", "result.#");
			DeliverCallback count = (tag, delivery) -> results.incrementAndGet();
			consumer.basicConsume(resultsQueue, true, count, tag -> {
			});
			long deadline = System.nanoTime() + timeout.toNanos();
			if (warmup > 0) {
				err.printf("[bench] warming the worker up with %d tasks (not measured)%n", warmup);
				publish(connection, serialize(warmup));
				while (results.get() < warmup && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				results.set(0);
			}
			// Round 1: answers after the latency; how many calls are open at once depends on how fast the worker
			// starts them.
			List<byte[]> bodies = serialize(tasks);
			long cpuBefore = cpuMillis(pid);
			simulator.resetStats();
			err.printf("[bench] publishing %d tasks; answers after %d ms%n", tasks, latency.toMillis());
			long started = System.nanoTime();
			publish(connection, bodies);
			awaitResults(results, tasks, deadline);
			double wallSeconds = (System.nanoTime() - started) / 1e9;
			long cpu = cpuMillis(pid) - cpuBefore;
			int completed = results.getAndSet(0);
			int maxInFlight = simulator.stats().maxInFlight();
			err.printf("[bench] %d completed in %.2f s; at most %d calls open at once%n", completed, wallSeconds, maxInFlight);

			// Round 2: the simulator holds every answer until all the calls are open, so the worker's memory
			// and threads are measured with all of them open at once.
			long idleHeap = heapAfterGc(pid, base);
			simulator.hold();
			simulator.resetStats();
			publish(connection, serialize(tasks));
			while (simulator.stats().inFlight() < tasks && System.nanoTime() < deadline && worker.isAlive()) {
				Thread.sleep(20);
			}
			int open = simulator.stats().inFlight();
			long heldHeap = heapAfterGc(pid, base);
			int liveThreads = (int) metric(base, "jvm_threads_live_threads");
			int held = (int) metric(base, "colony_worker_tasks_in_flight");
			err.printf("[bench] holding: %d calls open, %d tasks held, heap %.1f MB after GC (idle %.1f MB), %d live threads%n",
					open, held, heldHeap / 1e6, idleHeap / 1e6, liveThreads);
			simulator.release();
			awaitResults(results, tasks, deadline);
			int completedHeld = results.get();

			Map<String, Object> report = new LinkedHashMap<>();
			report.put("bench", "worker-inflight");
			report.put("tasks", tasks);
			report.put("latencyMs", latency.toMillis());
			report.put("heapMax", heap);
			report.put("warmupTasks", warmup);
			report.put("completed", completed);
			report.put("wallSeconds", round(wallSeconds));
			report.put("maxInFlightAtLlm", maxInFlight);
			report.put("workerCpuMsPerCall", round((double) cpu / Math.max(1, completed)));
			report.put("heldOpenAtOnce", open);
			report.put("heldCompleted", completedHeld);
			report.put("heapIdleMb", round(idleHeap / 1e6));
			report.put("heapHoldingMb", round(heldHeap / 1e6));
			report.put("heapBytesPerInFlightCall", open == 0 ? null : (heldHeap - idleHeap) / open);
			report.put("liveThreadsHolding", liveThreads);
			out.println(JsonMapper.builder().build().writeValueAsString(report));
			out.flush();
			if (completed < tasks || completedHeld < tasks) {
				err.println("[bench] results missing (" + completed + " and " + completedHeld + " of " + tasks
						+ "); worker log: " + log);
				return 1;
			}
			Files.deleteIfExists(log);
			return 0;
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new CommandFailed("cannot connect to RabbitMQ: " + ex.getMessage());
		}
	}

	/** Tasks serialised before the clock starts, so that publishing them is as fast as the broker takes them. */
	private static List<byte[]> serialize(int tasks) {
		ObjectWriter writer = JsonMapper.builder()
			.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.build()
			.writerFor(TaskMessage.class);
		JobId job = JobId.random();
		List<byte[]> bodies = new ArrayList<>(tasks);
		for (int i = 0; i < tasks; i++) {
			TaskAssigned task = new TaskAssigned(job, TaskId.random(), TenantId.of("bench"), "summarizer", "summarizer", 1,
					3, "Summarize.", new JobInput("in-" + i, "Document " + i + " says the tide rose at dawn. Boats floated."),
					Priority.NORMAL, null, Instant.now());
			bodies.add(writer.writeValueAsString(task).getBytes(StandardCharsets.UTF_8));
		}
		return bodies;
	}

	private static void awaitResults(AtomicInteger results, int expected, long deadline) throws InterruptedException {
		while (results.get() < expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	private static void publish(Connection connection, List<byte[]> bodies) throws IOException, InterruptedException {
		Channel channel = connection.createChannel();
		channel.confirmSelect();
		for (byte[] body : bodies) {
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(UUID.randomUUID().toString())
				.contentType("application/json")
				.deliveryMode(2)
				.headers(Map.of("x-colony-tenant", "bench"))
				.build();
			channel.basicPublish("colony.tasks", "task.summarizer", properties, body);
		}
		try {
			channel.waitForConfirmsOrDie(60_000);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new CommandFailed("the broker did not confirm the tasks within 60 s");
		}
	}

	private void awaitUp(Process worker, URI base, Path log) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			if (!worker.isAlive()) {
				throw new CommandFailed("the worker exited; its log: " + log);
			}
			try {
				HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (health.statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// starting
			}
			Thread.sleep(200);
		}
		throw new CommandFailed("the worker did not become healthy within 90 s; its log: " + log);
	}

	/** Heap in use right after a full collection, so that garbage does not count. */
	private static long heapAfterGc(long pid, URI base) throws IOException, InterruptedException {
		Process gc = new ProcessBuilder(Path.of(javaExecutable()).resolveSibling("jcmd").toString(), Long.toString(pid),
				"GC.run").redirectErrorStream(true).start();
		gc.getInputStream().readAllBytes();
		if (gc.waitFor() != 0) {
			throw new CommandFailed("jcmd " + pid + " GC.run failed");
		}
		return (long) metric(base, "jvm_memory_used_bytes{area=\"heap\"");
	}

	/** Sums every Prometheus sample whose line starts with {@code prefix}. */
	private static double metric(URI base, String prefix) throws IOException, InterruptedException {
		String text = http.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		double sum = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith(prefix)) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}

	/** User plus system CPU of a process, from {@code /proc/<pid>/stat} (clock ticks of 10 ms). */
	static long cpuMillis(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String javaExecutable() {
		return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}
}
