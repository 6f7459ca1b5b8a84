package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.cli.UsageError;
import io.colony.benchmarks.client.ApiError;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.EventStream;
import io.colony.benchmarks.client.SseEvent;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * {@code bench residents}: launches a private mesh with the resident service, creates {@code --agents} resident agents
 * through {@code POST /api/v1/agents/bulk}, then sends {@code --messages} messages to uniformly random agents with at
 * most {@code --concurrency} awaiting their reply, timing each from just before its {@code POST} to its
 * {@code resident.replied} on {@code GET /api/v1/agents/events}. Prints one JSON line (see README.md) with the goals
 * of issue 7 and whether they were met.
 */
public final class ResidentsBench {

	static final long MESH_RSS_GOAL_BYTES = 2L * 1024 * 1024 * 1024;

	static final long IDLE_AGENT_GOAL_BYTES = 256;

	static final double ACTIVATION_P99_GOAL_MS = 5;

	static final String AGENT_TYPE = "assistant";

	/**
	 * Every service's JVM sized for a small node: the heap starts small (the default initial heap is 1/64 of the
	 * machine's memory, 384 MB on 24 GB, and the young generation touches a third of it), is given back when free and
	 * is capped at 192 MB (the resident service's live set with 95,000 agents in memory is about 70 MB; without a cap,
	 * creating a million agents grew its heap to 280 MB of mostly dead objects before a full GC); the serial collector
	 * (no concurrent threads, no remembered sets); the C1 compiler only (C2's compilations cost tens of megabytes of
	 * native memory per JVM, and its CPU on 2 cores); smaller thread stacks and code cache.
	 * {@code --jvm-options ""} runs the launcher's plain settings.
	 */
	static final String DEFAULT_JVM_OPTIONS = "-Xms24m -Xmx192m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10"
			+ " -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1 -Xss256k -XX:ReservedCodeCacheSize=64m";

	/** The resident service's measurement endpoint (R1's SERVICE.md); optional, figures fall back to its metrics. */
	static final String STATS_PATH = "/internal/v1/residents/stats";

	static final String PASSIVATIONS_PATH = "/internal/v1/residents/passivations";

	/**
	 * @param bulkSize agents per {@code POST /api/v1/agents/bulk} (the API takes 1..10,000)
	 * @param bulkParallel bulk requests in flight at once
	 * @param httpConcurrency message {@code POST}s in flight at once (a message waiting for its reply holds none)
	 * @param llmUrl an OpenAI-compatible endpoint (e.g. {@code llm-simulator}) instead of the resident service's own
	 * simulated model
	 * @param jvmOptions extra JVM options for every service of the mesh (e.g. a smaller heap or another GC, to see what
	 * the mesh's resident memory can be brought down to); after the launcher's own, so they win
	 * @param reactivations after the message phase and passivating every agent, messages to that many agents which had
	 * been in memory (one each), to time their re-activation from PostgreSQL
	 * @param reactivationConcurrency re-activation messages awaiting their reply at once
	 */
	record Settings(int agents, int messages, Duration latency, int concurrency, int bulkSize, int bulkParallel,
			int httpConcurrency, int workers, URI llmUrl, int basePort, Duration timeout, Duration startTimeout,
			long seed, List<String> jvmOptions, int reactivations, int reactivationConcurrency) {

		static Settings parse(List<String> arguments) {
			Args args = Args.parse(arguments, Set.of());
			Settings settings = new Settings(args.integer("agents", 1_000_000, 1, 10_000_000),
					args.integer("messages", 100_000, 0, 10_000_000), args.millis("latency-ms", 200),
					args.integer("concurrency", 2000, 1, 100_000), args.integer("bulk-size", 10_000, 1, 10_000),
					args.integer("bulk-parallel", 4, 1, 64), args.integer("http-concurrency", 64, 1, 4096),
					args.integer("workers", 1, 1, 50), args.uri("llm-url", null),
					args.integer("base-port", 28_080, 1024, 65_000),
					Duration.ofSeconds(args.integer("timeout-s", 3600, 10, 86_400)),
					Duration.ofSeconds(args.integer("start-timeout-s", 300, 10, 3600)),
					args.integer("seed", 7, 0, Integer.MAX_VALUE),
					options(args.string("jvm-options", DEFAULT_JVM_OPTIONS)),
					args.integer("reactivations", 2_000, 0, 1_000_000),
					args.integer("reactivation-concurrency", 4, 1, 10_000));
			args.requireAllKnown();
			return settings;
		}

		private static List<String> options(String text) {
			List<String> options = text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
			for (String option : options) {
				if (!option.startsWith("-X") && !option.startsWith("-D")) {
					throw new UsageError("--jvm-options takes JVM options (-X…, -XX:…, -D…), got '" + option + "'");
				}
			}
			return options;
		}

		int requests() {
			return (agents + bulkSize - 1) / bulkSize;
		}
	}

	private static final JsonMapper DOCUMENTS = JsonMapper.builder().build();

	private final PrintStream out;

	private final PrintStream err;

	private final JsonMapper json = JsonMapper.builder().build();

	private ResidentsBench(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	public static int run(List<String> arguments, PrintStream out, PrintStream err) {
		Settings settings = Settings.parse(arguments);
		return new ResidentsBench(out, err).execute(settings);
	}

	/** The mesh this benchmark needs: the gateway's per-tenant rate limits off (one tenant sends everything). */
	static MeshOptions meshOptions(Settings settings) {
		return MeshOptions.defaults()
			.withBasePort(settings.basePort())
			.withWorkers(settings.workers())
			.withSimulatedLatency(settings.latency())
			.withLlmUrl(settings.llmUrl())
			.withStartTimeout(settings.startTimeout())
			.withJvmArguments(settings.jvmOptions())
			.withGatewayArguments(List.of("--colony.gateway.limits.enabled=false",
					"--colony.gateway.residents.max-buffered-events=" + Math.max(10_000, settings.concurrency() * 4)))
			// every agent a message activated stays in memory until the bench measures them idle and passivates them
			.withResidentArguments(List.of("--colony.residents.idle-timeout=PT24H",
					"--colony.residents.max-active=" + Math.max(100_000, settings.agents())));
	}

	private int execute(Settings settings) {
		MeshOptions options = meshOptions(settings);
		try (MeshLauncher mesh = MeshLauncher.start(options, line -> err.println("[mesh] " + line));
				MemorySampler memory = new MemorySampler(mesh)) {
			ColonyClient client = new ColonyClient(mesh.gatewayUrl());
			long ttl = Math.min(86_400, settings.timeout().toSeconds() * 2 + 600);
			client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("ttl", Long.toString(ttl))));
			ObjectNode report = json.createObjectNode();
			report.put("benchmark", "residents");
			report.put("agents", settings.agents());
			report.put("messages", settings.messages());
			report.put("latencyMs", settings.latency().toMillis());
			report.put("concurrency", settings.concurrency());
			report.put("workers", settings.workers());
			report.put("llm", settings.llmUrl() == null ? "resident-service simulated" : settings.llmUrl().toString());
			report.put("jvmOptions", String.join(" ", settings.jvmOptions()));

			double createSeconds = createAgents(client, settings);
			report.put("createSeconds", round(createSeconds, 3));
			report.put("agentsCreatedPerSecond", round(settings.agents() / Math.max(createSeconds, 1e-9), 1));

			BitSet messaged = new BitSet(settings.agents());
			SplittableRandom random = new SplittableRandom(settings.seed());
			Messages messages = sendMessages(client, settings, "messages", settings.messages(), settings.concurrency(),
					() -> {
						int agent = random.nextInt(settings.agents());
						messaged.set(agent);
						return agent;
					});
			report.put("replied", messages.clock().replied());
			report.put("lost", messages.clock().awaitingReply() + messages.refused());
			report.put("refused", messages.refused());
			report.put("duplicated", messages.clock().duplicated());
			report.put("wallSeconds", round(messages.wallSeconds(), 3));
			report.put("messagesPerSecond",
					round(messages.clock().replied() / Math.max(messages.wallSeconds(), 1e-9), 1));
			Percentiles replies = messages.clock().latenciesMillis();
			report.put("replyP50Ms", replies.at(50));
			report.put("replyP99Ms", replies.at(99));

			PrometheusMetrics metrics = residentMetrics(mesh);
			// after the messages, with the service quiet: its heap after a full GC with the agents in memory
			JsonNode stats = quietestStats(mesh);
			OptionalDouble activationUnderLoadP99 = activationP99(stats, metrics);
			putMillis(report, "activationUnderLoadP99Ms", activationUnderLoadP99);
			// the service's own sent → reply published, to tell its time from the edge's (gateway, stream, client)
			for (String percentile : List.of("p50Ms", "p99Ms")) {
				JsonNode value = stats == null ? null : stats.path("reply").path(percentile);
				String field = "serviceReply" + percentile.substring(0, 1).toUpperCase() + percentile.substring(1);
				putMillis(report, field, value != null && value.isNumber() ? OptionalDouble.of(value.asDouble() / 1000)
						: OptionalDouble.empty());
			}
			putNumber(report, "activations", metrics.sum("colony_residents_activation_seconds_count", Map.of()));

			IdleAgents idle = idleAgents(mesh, stats);
			report.put("idleAgents", idle.agents());
			putLong(report, "bytesPerIdleAgent", idle.bytesPerAgent());
			putLong(report, "memoryBytesPerIdleAgent", idle.memoryBytesPerAgent());
			putLong(report, "runtimeBytesPerIdleAgent", idle.runtimeBytesPerAgent());
			report.put("bytesPerIdleAgentMethod", idle.method());

			Reactivation reactivation = reactivate(client, mesh, settings, messaged);
			report.put("reactivations", reactivation.activations());
			putMillis(report, "reactivationP50Ms", reactivation.p50());
			putMillis(report, "reactivationP99Ms", reactivation.p99());
			report.put("reactivationReplyP50Ms", reactivation.replies().at(50));
			report.put("reactivationReplyP99Ms", reactivation.replies().at(99));

			Map<String, Long> rss = memory.current();
			long meshRss = rss.values().stream().mapToLong(Long::longValue).sum();
			report.put("meshRssBytes", meshRss);
			report.put("meshPeakRssBytes", Math.max(meshRss, memory.peak()));
			ObjectNode byService = report.putObject("rssBytesByService");
			rss.forEach(byService::put);
			ObjectNode peakByService = report.putObject("peakRssBytesByService");
			memory.peaks().forEach(peakByService::put);

			ObjectNode goals = report.putObject("goals");
			boolean rssMet = Math.max(meshRss, memory.peak()) <= MESH_RSS_GOAL_BYTES;
			goals.put("meshRssWithin2GiB", rssMet);
			putFlag(goals, "idleAgentRuntimeWithin256Bytes", idle.runtimeBytesPerAgent() == null ? null
					: idle.runtimeBytesPerAgent() <= IDLE_AGENT_GOAL_BYTES);
			putFlag(goals, "idleAgentWithMemoryWithin256Bytes", idle.bytesPerAgent() == null ? null
					: idle.bytesPerAgent() <= IDLE_AGENT_GOAL_BYTES);
			putFlag(goals, "reactivationP99Within5Ms", reactivation.p99().isEmpty() ? null
					: reactivation.p99().getAsDouble() * 1000 <= ACTIVATION_P99_GOAL_MS);
			boolean complete = messages.clock().replied() == settings.messages() && messages.clock().duplicated() == 0
					&& reactivation.replied() == reactivation.sent();
			goals.put("everyMessageAnsweredOnce", complete);
			report.put("status", complete ? "COMPLETED" : "INCOMPLETE");

			out.println(json.writeValueAsString(report));
			out.flush();
			if (!complete) {
				err.println("[bench] not every message was answered exactly once; logs kept in " + options.logDirectory());
			}
			return complete ? 0 : 1;
		}
	}

	// ---- creation ---------------------------------------------------------------------------------------------------

	/** Creates agents {@link #agentId(int) r0000000…} in bulk requests, a few in flight; returns the seconds it took. */
	private double createAgents(ColonyClient client, Settings settings) {
		err.printf("[bench] creating %d agents in %d bulk requests (%d in parallel)%n", settings.agents(),
				settings.requests(), settings.bulkParallel());
		Semaphore inFlight = new Semaphore(settings.bulkParallel());
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		AtomicInteger created = new AtomicInteger();
		List<CompletableFuture<?>> requests = new ArrayList<>();
		long started = System.nanoTime();
		for (int request = 0; request < settings.requests() && failure.get() == null; request++) {
			int from = request * settings.bulkSize();
			int to = Math.min(settings.agents(), from + settings.bulkSize());
			acquire(inFlight, settings.timeout());
			HttpRequest post = client.authorized("/api/v1/agents/bulk")
				.timeout(Duration.ofMinutes(5))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(bulkBody(from, to)))
				.build();
			requests.add(client.http().sendAsync(post, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
				inFlight.release();
				if (error != null) {
					failure.compareAndSet(null, new CommandFailed("bulk creation failed: " + error.getMessage(), error));
				}
				else if (response.statusCode() != 201) {
					failure.compareAndSet(null, new ApiError("creating agents " + agentId(from) + ".." + agentId(to - 1),
							response.statusCode(), response.body()));
				}
				else {
					int done = created.addAndGet(to - from);
					if (done % (settings.bulkSize() * 10) == 0 || done == settings.agents()) {
						err.printf("[bench] %d agents created%n", done);
					}
				}
			}));
		}
		requests.forEach(request -> request.exceptionally(error -> null).join());
		if (failure.get() != null) {
			throw failure.get();
		}
		return (System.nanoTime() - started) / 1e9;
	}

	static String bulkBody(int from, int to) {
		ObjectNode body = DOCUMENTS.createObjectNode();
		ArrayNode agents = body.putArray("agents");
		for (int i = from; i < to; i++) {
			agents.addObject().put("id", agentId(i)).put("type", AGENT_TYPE);
		}
		return DOCUMENTS.writeValueAsString(body);
	}

	static String agentId(int index) {
		return String.format("r%07d", index);
	}

	// ---- messages ---------------------------------------------------------------------------------------------------

	private record Messages(ReplyClock clock, int refused, double wallSeconds) {
	}

	/** Sends {@code count} messages, each to the agent {@code nextAgent} names, at most {@code concurrency} awaiting. */
	private Messages sendMessages(ColonyClient client, Settings settings, String phase, int count, int concurrency,
			IntSupplier nextAgent) {
		Semaphore awaitingReply = new Semaphore(concurrency);
		Semaphore posting = new Semaphore(settings.httpConcurrency());
		ReplyClock clock = new ReplyClock(Math.max(1, count), awaitingReply::release);
		AtomicInteger refused = new AtomicInteger();
		AtomicReference<String> firstRefusal = new AtomicReference<>();
		err.printf("[bench] %s: sending %d messages, at most %d awaiting a reply%n", phase, count, concurrency);
		try (EventStream replies = client.stream("/api/v1/agents/events", "the tenant's agents",
				event -> onEvent(event, clock))) {
			long started = System.nanoTime();
			for (int i = 0; i < count; i++) {
				acquire(awaitingReply, settings.timeout());
				acquire(posting, settings.timeout());
				String agent = agentId(nextAgent.getAsInt());
				HttpRequest post = client.authorized("/api/v1/agents/" + agent + "/messages")
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"message " + i + " to " + agent + "\"}"))
					.build();
				long sentNanos = System.nanoTime();
				client.http().sendAsync(post, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
					posting.release();
					String messageId = error == null && response.statusCode() == 202 ? messageId(response.body()) : "";
					if (messageId.isEmpty()) {
						refused.incrementAndGet();
						firstRefusal.compareAndSet(null,
								error != null ? error.toString() : response.statusCode() + " " + response.body());
						awaitingReply.release();
					}
					else {
						clock.sent(messageId, sentNanos);
					}
				});
				if ((i + 1) % 10_000 == 0) {
					err.printf("[bench] %d sent, %d replied%n", i + 1, clock.replied());
				}
			}
			long deadline = System.nanoTime() + settings.timeout().toNanos();
			while (clock.replied() + refused.get() < count && System.nanoTime() < deadline && !replies.ended()) {
				// every reply releases a permit: all of them back means nothing is awaited any more
				if (tryAcquireAll(awaitingReply, concurrency, Duration.ofSeconds(1))) {
					break;
				}
			}
			if (replies.ended()) {
				err.println("[bench] the event stream ended early: " + replies.failure());
			}
			if (firstRefusal.get() != null) {
				err.println("[bench] " + refused.get() + " messages refused; the first: " + firstRefusal.get());
			}
			// first send to last reply (to now when nothing came back)
			long end = clock.replied() > 0 ? clock.lastReplyNanos() : System.nanoTime();
			double wall = (end - started) / 1e9;
			err.printf("[bench] %s: %d replied in %.3f s (%d refused, %d awaiting, %d duplicated)%n", phase,
					clock.replied(), wall, refused.get(), clock.awaitingReply(), clock.duplicated());
			return new Messages(clock, refused.get(), wall);
		}
	}

	private static void onEvent(SseEvent event, ReplyClock clock) {
		if ("resident.replied".equals(event.name())) {
			long received = System.nanoTime();
			String inReplyTo = inReplyTo(event.data());
			if (inReplyTo != null) {
				clock.replied(inReplyTo, received);
			}
		}
	}


	/** The message a {@code resident.replied} event answers, or null. */
	static String inReplyTo(String data) {
		return field(data, "inReplyTo");
	}

	/** The id of a {@code 202 {"messageId"}}, or "" when the answer has none. */
	static String messageId(String body) {
		String id = field(body, "messageId");
		return id == null ? "" : id;
	}

	private static String field(String json, String name) {
		try {
			String value = DOCUMENTS.readTree(json).path(name).asString("");
			return value.isEmpty() ? null : value;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	// ---- measurements -----------------------------------------------------------------------------------------------

	/**
	 * What the agents in memory cost while idle, measured by difference: the resident service's heap after a full GC
	 * with them in memory, then again after passivating every one of them; the difference divided by their number.
	 * {@code memoryBytesPerAgent} is the part that is each agent's own memory (its compact JSON, the service's
	 * {@code memoryBytes}), {@code runtimeBytesPerAgent} the rest: what holding an agent resident costs the runtime
	 * (its map entry, key, state object). The map's table keeps its size after the passivation, so its slots
	 * (4-8 bytes per agent) are not in the difference.
	 */
	record IdleAgents(int agents, Long bytesPerAgent, Long memoryBytesPerAgent, Long runtimeBytesPerAgent,
			String method) {
	}

	private IdleAgents idleAgents(MeshLauncher mesh, JsonNode withAgents) {
		if (withAgents == null || !withAgents.path("active").isNumber() || withAgents.path("active").asInt() < 1) {
			return new IdleAgents(0, null, null, null, "unmeasured: no agents in memory or no " + STATS_PATH);
		}
		int agents = withAgents.path("active").asInt();
		long heapWith = withAgents.path("heapUsedBytes").asLong();
		long memoryBytes = withAgents.path("memoryBytes").asLong();
		JsonNode passivated = json.readTree(post(mesh.residentsUrl().resolve(PASSIVATIONS_PATH)));
		JsonNode without = quietestStats(mesh);
		int stillActive = without == null ? 0 : without.path("active").asInt();
		if (without == null || stillActive > passivated.path("active").asInt()
				|| passivated.path("passivated").asInt() < agents - stillActive) {
			return new IdleAgents(agents, null, null, null, "unmeasured: the agents could not all be passivated");
		}
		int dropped = agents - stillActive;
		long heapWithout = without.path("heapUsedBytes").asLong();
		long bytes = Math.round((double) (heapWith - heapWithout) / dropped);
		long memory = Math.round((double) memoryBytes / agents);
		err.printf("[bench] %d idle agents: heap %d bytes with them, %d without (after full GCs); memories %d bytes%n",
				dropped, heapWith, heapWithout, memoryBytes);
		return new IdleAgents(dropped, bytes, memory, bytes - memory, "(heap after full GC with the idle agents in"
				+ " memory - heap after full GC once they were passivated, each the lower of two readings) / agents"
				+ " passivated; memory = the service's memoryBytes / agents");
	}

	/** What re-activating agents from PostgreSQL took, from the activation histogram's buckets during the phase. */
	record Reactivation(int sent, long replied, long activations, OptionalDouble p50, OptionalDouble p99,
			Percentiles replies) {
	}

	/**
	 * Sends one message each to up to {@code --reactivations} agents that were in memory before the passivation (so
	 * each is loaded back with its memory), at most {@code --reactivation-concurrency} awaiting their reply, and reads
	 * the activation histogram's change over the phase.
	 */
	private Reactivation reactivate(ColonyClient client, MeshLauncher mesh, Settings settings,
			BitSet messaged) {
		int[] agents = messaged.stream().limit(settings.reactivations()).toArray();
		if (agents.length == 0) {
			return new Reactivation(0, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(), new Percentiles(new long[0]));
		}
		PrometheusMetrics before = residentMetrics(mesh);
		AtomicInteger next = new AtomicInteger();
		Messages sent = sendMessages(client, settings, "re-activation", agents.length,
				settings.reactivationConcurrency(), () -> agents[next.getAndIncrement()]);
		PrometheusMetrics after = residentMetrics(mesh);
		String histogram = "colony_residents_activation_seconds";
		OptionalDouble count = after.sum(histogram + "_count", Map.of());
		double activations = count.orElse(0) - before.sum(histogram + "_count", Map.of()).orElse(0);
		return new Reactivation(agents.length, sent.clock().replied(), Math.round(activations),
				after.quantileSince(before, histogram, 0.50), after.quantileSince(before, histogram, 0.99),
				sent.clock().latenciesMillis());
	}

	/** Activation p99 in seconds: the service's own percentile ({@code activation.p99Ms} of its stats), else its histogram. */
	static OptionalDouble activationP99(JsonNode stats, PrometheusMetrics metrics) {
		if (stats != null && stats.path("activation").path("p99Ms").isNumber()) {
			return OptionalDouble.of(stats.path("activation").path("p99Ms").asDouble() / 1000);
		}
		return metrics.quantile("colony_residents_activation_seconds", 0.99);
	}

	/**
	 * The lower-heap one of two consecutive {@code stats?gc=true} readings: whatever the service still held from the
	 * phase before (a batch being relayed, a buffer) is less likely to be in both, and it would be counted as agents'.
	 */
	private JsonNode quietestStats(MeshLauncher mesh) {
		JsonNode first = residentStats(mesh);
		JsonNode second = residentStats(mesh);
		if (first == null || second == null) {
			return first == null ? second : first;
		}
		return second.path("heapUsedBytes").asLong() <= first.path("heapUsedBytes").asLong() ? second : first;
	}

	/** The resident service's stats after a full GC, or null (and a note) when it has none. */
	private JsonNode residentStats(MeshLauncher mesh) {
		try {
			return json.readTree(text(mesh.residentsUrl().resolve(STATS_PATH + "?gc=true")));
		}
		catch (RuntimeException ex) {
			err.println("[bench] no usable " + STATS_PATH + " (" + ex.getMessage() + "); using its metrics");
			return null;
		}
	}

	/** The resident service's metrics; none (and a note) when they cannot be read, so the report still prints. */
	private PrometheusMetrics residentMetrics(MeshLauncher mesh) {
		try {
			return PrometheusMetrics.parse(text(mesh.residentsUrl().resolve("/actuator/prometheus")));
		}
		catch (RuntimeException ex) {
			err.println("[bench] cannot read the resident service's metrics: " + ex.getMessage());
			return PrometheusMetrics.parse("");
		}
	}

	/** Samples the summed {@code VmRSS} of every process of the mesh once a second; keeps the peak. */
	static final class MemorySampler implements AutoCloseable {

		private final MeshLauncher mesh;

		private final AtomicLong peak = new AtomicLong();

		private final Map<String, Long> peaks = new ConcurrentHashMap<>();

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "mesh-rss");
			thread.setDaemon(true);
			return thread;
		});

		MemorySampler(MeshLauncher mesh) {
			this.mesh = mesh;
			timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
		}

		private void sample() {
			Map<String, Long> now = current();
			now.forEach((service, bytes) -> peaks.merge(service, bytes, Math::max));
			peak.accumulateAndGet(now.values().stream().mapToLong(Long::longValue).sum(), Math::max);
		}

		/** Each service's largest sample (they need not have peaked at the same moment). */
		Map<String, Long> peaks() {
			Map<String, Long> ordered = new LinkedHashMap<>();
			for (String service : mesh.services()) {
				Long bytes = peaks.get(service);
				if (bytes != null) {
					ordered.put(service, bytes);
				}
			}
			return ordered;
		}

		Map<String, Long> current() {
			Map<String, Long> rss = new LinkedHashMap<>();
			for (String service : mesh.services()) {
				OptionalLong bytes = ProcessMemory.residentBytes(mesh.pid(service));
				bytes.ifPresent(value -> rss.put(service, value));
			}
			return rss;
		}

		long peak() {
			return peak.get();
		}

		@Override
		public void close() {
			timer.shutdownNow();
		}
	}

	// ---- helpers ----------------------------------------------------------------------------------------------------

	private static final HttpClient PLAIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** A GET of a service's own (unauthenticated) endpoint; anything but 200 is a failure. */
	private static String text(URI uri) {
		return call(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build());
	}

	/** A POST without a body to a service's own (unauthenticated) endpoint; anything but 200 is a failure. */
	private static String post(URI uri) {
		return call(HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	private static String call(HttpRequest request) {
		try {
			HttpResponse<String> response = PLAIN.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
			}
			return response.body();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(request.uri() + " failed: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static void acquire(Semaphore semaphore, Duration timeout) {
		try {
			if (!semaphore.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new CommandFailed("nothing came back within " + timeout + " (--timeout-s)");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandFailed("interrupted");
		}
	}

	private static boolean tryAcquireAll(Semaphore semaphore, int permits, Duration wait) {
		try {
			if (semaphore.tryAcquire(permits, wait.toNanos(), TimeUnit.NANOSECONDS)) {
				semaphore.release(permits);
				return true;
			}
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandFailed("interrupted");
		}
	}

	private static BigDecimal round(double value, int scale) {
		return BigDecimal.valueOf(Double.isFinite(value) ? value : 0).setScale(scale, RoundingMode.HALF_UP);
	}

	private static void putMillis(ObjectNode report, String field, OptionalDouble seconds) {
		if (seconds.isEmpty() || !Double.isFinite(seconds.getAsDouble())) {
			report.putNull(field);
		}
		else {
			report.put(field, round(seconds.getAsDouble() * 1000, 3));
		}
	}

	private static void putNumber(ObjectNode report, String field, OptionalDouble value) {
		if (value.isEmpty()) {
			report.putNull(field);
		}
		else {
			report.put(field, Math.round(value.getAsDouble()));
		}
	}

	private static void putLong(ObjectNode report, String field, Long value) {
		if (value == null) {
			report.putNull(field);
		}
		else {
			report.put(field, value);
		}
	}

	private static void putFlag(ObjectNode goals, String field, Boolean value) {
		if (value == null) {
			goals.putNull(field);
		}
		else {
			goals.put(field, value);
		}
	}
}
