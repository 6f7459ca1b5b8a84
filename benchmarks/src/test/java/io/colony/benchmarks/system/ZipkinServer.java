package io.colony.benchmarks.system;

import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Zipkin server (its executable jar, {@code io.zipkin:zipkin-server:<version>:exec}, which the build copies
 * to {@code benchmarks/target/zipkin/zipkin.jar}) as a process on a free port with its default in-memory storage.
 * Services report to {@link #collectorEndpoint()}; tests read traces back through Zipkin's query API
 * ({@code /api/v2/trace/{traceId}}, {@code /api/v2/services}), as a person would in its UI.
 */
final class ZipkinServer implements AutoCloseable {

	/** One span as Zipkin's v2 API returns it. */
	record ReportedSpan(String traceId, String id, String parentId, String name, String kind, String serviceName,
			Map<String, String> tags) {
	}

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Process process;

	private final URI base;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	private ZipkinServer(Process process, URI base, Path log) {
		this.process = process;
		this.base = base;
		this.log = log;
	}

	/** Starts Zipkin and returns once its {@code /health} says UP; its output goes to {@code <logDirectory>/zipkin.log}. */
	static ZipkinServer start(Path logDirectory) throws IOException, InterruptedException {
		Path jar = Path.of(System.getProperty("colony.zipkin.jar",
				MeshOptions.projectRoot().resolve("benchmarks/target/zipkin/zipkin.jar").toString()));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no Zipkin server jar at " + jar
					+ ": the benchmarks build copies it there in pre-integration-test (mvn -pl benchmarks verify)");
		}
		Files.createDirectories(logDirectory);
		Path log = logDirectory.resolve("zipkin.log");
		int port = freePort();
		Process process = new ProcessBuilder(javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "--server.port=" + port)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		ZipkinServer zipkin = new ZipkinServer(process, URI.create("http://127.0.0.1:" + port), log);
		try {
			zipkin.awaitHealthy();
			return zipkin;
		}
		catch (RuntimeException | InterruptedException ex) {
			zipkin.close();
			throw ex;
		}
	}

	/** Where services send spans ({@code COLONY_ZIPKIN_URL}). */
	String collectorEndpoint() {
		return base + "/api/v2/spans";
	}

	/** Every span Zipkin holds for {@code traceId}; empty while it has none. */
	List<ReportedSpan> trace(String traceId) {
		HttpResponse<String> response = get("/api/v2/trace/" + traceId);
		if (response.statusCode() == 404) {
			return List.of();
		}
		requireOk(response);
		List<ReportedSpan> spans = new ArrayList<>();
		for (JsonNode span : json.readTree(response.body())) {
			Map<String, String> tags = new LinkedHashMap<>();
			span.path("tags").properties().forEach(tag -> tags.put(tag.getKey(), tag.getValue().asString("")));
			spans.add(new ReportedSpan(span.path("traceId").asString(""), span.path("id").asString(""),
					span.path("parentId").asString(null), span.path("name").asString(""),
					span.path("kind").asString(null), span.path("localEndpoint").path("serviceName").asString(""),
					tags));
		}
		return spans;
	}

	/** The names of every service that reported a span. */
	List<String> services() {
		HttpResponse<String> response = get("/api/v2/services");
		requireOk(response);
		List<String> services = new ArrayList<>();
		json.readTree(response.body()).forEach(name -> services.add(name.asString()));
		return services;
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(cannot read " + log + ": " + ex.getMessage() + ")";
		}
	}

	private void awaitHealthy() throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (true) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Zipkin exited with status " + process.exitValue() + ":\n" + logTail());
			}
			try {
				HttpResponse<String> health = get("/health");
				if (health.statusCode() == 200 && "UP".equals(json.readTree(health.body()).path("status").asString(""))) {
					return;
				}
			}
			catch (IllegalStateException notYet) {
				// not listening yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Zipkin did not report UP at " + base + "/health within " + START_TIMEOUT
						+ ":\n" + logTail());
			}
			Thread.sleep(200);
		}
	}

	private HttpResponse<String> get(String path) {
		try {
			return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + base + path + " failed: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static void requireOk(HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
					+ response.body());
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
	}

	private static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}
}
