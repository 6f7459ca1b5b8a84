package io.colony.benchmarks.mesh;

import io.colony.platform.testing.ColonyTestEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the whole mesh on this machine as separate {@code java -jar} processes, the way {@code ./colony up}
 * does, but on its own ports and in a fresh RabbitMQ vhost and PostgreSQL database, so that system tests and
 * benchmarks neither see nor disturb anything else. {@link #close()} stops every process and drops the vhost
 * and database.
 *
 * <p>Services are named {@code registry}, {@code credentials}, {@code orchestrator}, {@code aggregator},
 * {@code residents}, {@code worker-1…K} and {@code gateway}; each writes stdout and stderr to {@code <logDirectory>/<service>.log}.
 */
public final class MeshLauncher implements AutoCloseable {

	public static final String REGISTRY = "registry";

	public static final String ORCHESTRATOR = "orchestrator";

	public static final String AGGREGATOR = "aggregator";

	public static final String GATEWAY = "gateway";

	public static final String CREDENTIALS = "credentials";

	public static final String RESIDENTS = "residents";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

	private final MeshOptions options;

	private final ColonyTestEnvironment environment;

	private final Consumer<String> log;

	private final Map<String, Process> processes = new LinkedHashMap<>();

	/** How each service was launched, so that a killed one can be started again the same way. */
	private final Map<String, Launch> launches = new LinkedHashMap<>();

	private record Launch(Module module, Path jar, int port, List<String> arguments) {
	}

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	/** Ctrl-C on a benchmark, or a test JVM that exits early, must not leave services or a vhost behind. */
	private final Thread killOnExit = new Thread(this::killAllAndDropEnvironment, "mesh-kill-on-exit");

	private final AtomicBoolean closed = new AtomicBoolean();

	private MeshLauncher(MeshOptions options, ColonyTestEnvironment environment, Consumer<String> log) {
		this.options = options;
		this.environment = environment;
		this.log = log;
	}

	/**
	 * Starts every service and returns once each is healthy and the registry lists every worker.
	 *
	 * @param log progress lines for a person (stderr in the CLI)
	 * @throws MeshStartFailed when a jar is missing, a port is taken, or a service dies or stays unhealthy
	 */
	public static MeshLauncher start(MeshOptions options, Consumer<String> log) {
		checkJars(options);
		checkPortsFree(options);
		ColonyTestEnvironment environment = ColonyTestEnvironment.create();
		MeshLauncher mesh = new MeshLauncher(options, environment, log);
		try {
			mesh.launchAll();
			mesh.awaitReady();
			return mesh;
		}
		catch (RuntimeException ex) {
			mesh.close();
			throw ex;
		}
	}

	public MeshOptions options() {
		return options;
	}

	public ColonyTestEnvironment environment() {
		return environment;
	}

	public URI gatewayUrl() {
		return local(options.gatewayPort());
	}

	public URI registryUrl() {
		return local(options.registryPort());
	}

	public URI orchestratorUrl() {
		return local(options.orchestratorPort());
	}

	public URI aggregatorUrl() {
		return local(options.aggregatorPort());
	}

	public URI credentialsUrl() {
		return local(options.credentialsPort());
	}

	public URI residentsUrl() {
		return local(options.residentsPort());
	}

	public static String worker(int index) {
		return "worker-" + index;
	}

	public List<String> services() {
		return List.copyOf(processes.keySet());
	}

	public boolean isAlive(String service) {
		return process(service).isAlive();
	}

	public Path logFile(String service) {
		return options.logDirectory().resolve(service + ".log");
	}

	/** Kills {@code service} with SIGKILL (no shutdown hooks, no goodbye messages) and waits until it is gone. */
	public void kill(String service) {
		Process process = process(service);
		process.destroyForcibly();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException(service + " (pid " + process.pid() + ") survived SIGKILL");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		log.accept("killed " + service + " (pid " + process.pid() + ")");
	}

	/** The operating system's process id of {@code service} (its latest start). */
	public long pid(String service) {
		return process(service).pid();
	}

	/**
	 * Starts a service that was killed again, with the same command line (its log is appended to), and returns
	 * once it reports healthy.
	 *
	 * @throws IllegalStateException when the service is still running
	 * @throws MeshStartFailed when it does not become healthy within the start timeout
	 */
	public void restart(String service) {
		if (process(service).isAlive()) {
			throw new IllegalStateException(service + " is still running; kill it first");
		}
		Launch launch = launches.get(service);
		launch(service, launch.module(), launch.jar(), launch.port(), launch.arguments(), true);
		awaitHealthy(service, System.nanoTime() + options.startTimeout().toNanos(), () -> {
			Process process = process(service);
			if (!process.isAlive()) {
				throw new MeshStartFailed(service + " exited with status " + process.exitValue() + " after a restart"
						+ "\n--- last lines of " + logFile(service) + ":\n" + logTail(service, 40));
			}
		});
		log.accept("restarted " + service + " (pid " + pid(service) + ")");
	}

	/**
	 * Starts another instance of a running service, named {@code copy}, with the same command line but on
	 * {@code port}, and returns once it reports healthy (e.g. a second resident service sharing the shards).
	 *
	 * @throws MeshStartFailed when it does not become healthy within the start timeout
	 */
	public void startCopy(String service, String copy, int port) {
		if (processes.containsKey(copy)) {
			throw new IllegalArgumentException("this mesh already has a service '" + copy + "'");
		}
		Launch launch = launches.get(service);
		if (launch == null) {
			throw new IllegalArgumentException("no service '" + service + "' in this mesh; services: " + services());
		}
		launch(copy, launch.module(), launch.jar(), port, launch.arguments(), false);
		awaitHealthy(copy, System.nanoTime() + options.startTimeout().toNanos());
		log.accept("started " + copy + ", a copy of " + service + " (pid " + pid(copy) + ") on port " + port);
	}

	/** The last {@code lines} lines of a service's log. */
	public String logTail(String service, int lines) {
		return tail(logFile(service), lines);
	}

	/** Stops every service (SIGTERM, then SIGKILL after a grace period) and drops the vhost and database. */
	@Override
	public void close() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		try {
			List<Process> running = new ArrayList<>(processes.values()).reversed();
			running.forEach(Process::destroy);
			long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
			for (Process process : running) {
				try {
					long left = Math.max(0, deadline - System.nanoTime());
					if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
						process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					process.destroyForcibly();
				}
			}
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(killOnExit);
			}
			catch (IllegalStateException ex) {
				// already shutting down: the hook runs anyway
			}
			deleteJarCopies();
			environment.close();
		}
	}

	private void deleteJarCopies() {
		Path directory = options.logDirectory().resolve("jars");
		for (Module module : Module.values()) {
			try {
				Files.deleteIfExists(directory.resolve(module.directory + ".jar"));
			}
			catch (IOException ex) {
				log.accept("could not delete " + directory.resolve(module.directory + ".jar") + ": " + ex.getMessage());
			}
		}
		try {
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			// not empty: someone else's files, leave them
		}
	}

	private void launchAll() {
		try {
			Files.createDirectories(options.logDirectory());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + options.logDirectory(), ex);
		}
		Map<Module, Path> jars = copyJars();
		Runtime.getRuntime().addShutdownHook(killOnExit);
		launch(REGISTRY, Module.REGISTRY, jars.get(Module.REGISTRY), options.registryPort(),
				List.of("--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + gatewayUrl() + "/oauth2/jwks"));
		launch(CREDENTIALS, Module.CREDENTIALS, jars.get(Module.CREDENTIALS), options.credentialsPort(),
				List.of("--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + gatewayUrl() + "/oauth2/jwks",
						"--colony.credentials.registry-url=" + registryUrl()));
		launch(ORCHESTRATOR, Module.ORCHESTRATOR, jars.get(Module.ORCHESTRATOR), options.orchestratorPort(),
				List.of("--colony.orchestrator.registry-url=" + registryUrl()));
		launch(AGGREGATOR, Module.AGGREGATOR, jars.get(Module.AGGREGATOR), options.aggregatorPort(),
				List.of("--colony.aggregator.registry-url=" + registryUrl()));
		launch(RESIDENTS, Module.RESIDENTS, jars.get(Module.RESIDENTS), options.residentsPort(), residentArguments());
		for (int i = 1; i <= options.workers(); i++) {
			launch(worker(i), Module.WORKER, jars.get(Module.WORKER), options.workerPort(i), workerArguments());
		}
		List<String> gatewayArguments = new ArrayList<>(List.of("--colony.gateway.orchestrator-url=" + orchestratorUrl(),
				"--colony.gateway.aggregator-url=" + aggregatorUrl(), "--colony.gateway.registry-url=" + registryUrl(),
				"--colony.gateway.credentials-url=" + credentialsUrl(), "--colony.gateway.residents-url=" + residentsUrl(),
				// the tenants' rate-limit counters in Redis are this mesh's own, not shared with other runs
				"--colony.gateway.limits.key-prefix=colony:mesh:" + environment.broker().vhost() + ":"));
		gatewayArguments.addAll(options.gatewayArguments());
		launch(GATEWAY, Module.GATEWAY, jars.get(Module.GATEWAY), options.gatewayPort(), gatewayArguments);
		log.accept("started " + processes.size() + " processes (vhost " + environment.broker().vhost()
				+ ", database " + environment.database().name() + "), logs in " + options.logDirectory());
	}

	/**
	 * The resident service answers with its own simulated model at the mesh's simulated latency, or through the same
	 * OpenAI-compatible endpoint as the workers.
	 */
	private List<String> residentArguments() {
		List<String> arguments = new ArrayList<>();
		if (options.llmUrl() != null) {
			arguments.add("--colony.residents.llm.provider=openai");
			arguments.add("--colony.residents.llm.base-url=" + options.llmUrl());
		}
		else {
			arguments.add("--colony.residents.llm.provider=simulated");
			arguments.add("--colony.residents.llm.latency=" + options.simulatedLatency());
		}
		arguments.addAll(options.residentArguments());
		return arguments;
	}

	private List<String> workerArguments() {
		List<String> arguments = new ArrayList<>();
		if (options.llmUrl() != null) {
			arguments.add("--colony.worker.llm.provider=openai");
			arguments.add("--colony.worker.llm.openai.base-url=" + options.llmUrl());
		}
		else {
			arguments.add("--colony.worker.llm.simulated.latency=" + options.simulatedLatency());
		}
		arguments.add("--colony.worker.tools.spawn.aggregator-url=" + aggregatorUrl());
		arguments.add("--colony.worker.credentials.url=" + credentialsUrl());
		arguments.addAll(options.workerArguments());
		return arguments;
	}

	/**
	 * Runs copies of the jars, so that rebuilding a module while this mesh runs neither breaks a process's
	 * class loading nor mixes versions within the mesh.
	 */
	private Map<Module, Path> copyJars() {
		Map<Module, Path> copies = new EnumMap<>(Module.class);
		Path directory = options.logDirectory().resolve("jars");
		try {
			Files.createDirectories(directory);
			for (Module module : Module.values()) {
				Path copy = directory.resolve(module.directory + ".jar");
				Files.copy(module.jar(options.root()), copy, StandardCopyOption.REPLACE_EXISTING);
				copies.put(module, copy);
			}
		}
		catch (IOException ex) {
			throw new MeshStartFailed("cannot copy the service jars to " + directory + ": " + ex.getMessage());
		}
		return copies;
	}

	private void launch(String service, Module module, Path jar, int port, List<String> serviceArguments) {
		launch(service, module, jar, port, serviceArguments, false);
	}

	private void launch(String service, Module module, Path jar, int port, List<String> serviceArguments,
			boolean appendLog) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.add(module == Module.WORKER ? "-Xmx1g" : "-Xmx512m");
		command.add("-XX:+ExitOnOutOfMemoryError");
		command.add("--enable-native-access=ALL-UNNAMED");
		command.addAll(options.jvmArguments());
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		environment.properties().forEach((key, value) -> command.add("--" + key + "=" + value));
		command.addAll(serviceArguments);
		Path logFile = logFile(service);
		ProcessBuilder builder = new ProcessBuilder(command).directory(options.root().toFile())
			.redirectErrorStream(true)
			.redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
					: ProcessBuilder.Redirect.to(logFile.toFile()));
		// glibc gives each thread that mallocs its own arena (up to 8 per core); a JVM's many threads then hold
		// tens of megabytes of mostly free native memory. Two arenas are plenty for what a JVM mallocs.
		builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
		launches.put(service, new Launch(module, jar, port, List.copyOf(serviceArguments)));
		try {
			processes.put(service, builder.start());
		}
		catch (IOException ex) {
			throw new MeshStartFailed("cannot start " + service + ": " + ex.getMessage());
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + options.startTimeout().toNanos();
		for (String service : processes.keySet()) {
			awaitHealthy(service, deadline);
		}
		log.accept("all services healthy; waiting for " + options.workers() + " workers in the registry");
		URI agents = registryUrl().resolve("/api/v1/registry/agents?type=summarizer");
		int listed = 0;
		while (true) {
			checkAllAlive();
			listed = countAgents(agents);
			if (listed >= options.workers()) {
				log.accept("mesh ready: " + listed + " workers registered");
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new MeshStartFailed("the registry lists " + listed + " of " + options.workers()
						+ " workers after " + options.startTimeout() + " (" + agents + ")\n--- worker-1 log tail:\n"
						+ logTail(worker(1), 30));
			}
			pause();
		}
	}

	private void awaitHealthy(String service, long deadline) {
		awaitHealthy(service, deadline, this::checkAllAlive);
	}

	private void awaitHealthy(String service, long deadline, Runnable aliveCheck) {
		URI health = local(portOf(service)).resolve("/actuator/health");
		while (true) {
			aliveCheck.run();
			if (isUp(health)) {
				log.accept(service + " is up on port " + portOf(service));
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new MeshStartFailed(service + " did not report UP at " + health + " within "
						+ options.startTimeout() + "\n--- last lines of " + logFile(service) + ":\n"
						+ logTail(service, 40));
			}
			pause();
		}
	}

	private void checkAllAlive() {
		processes.forEach((service, process) -> {
			if (!process.isAlive()) {
				throw new MeshStartFailed(service + " exited with status " + process.exitValue()
						+ " while the mesh was starting\n--- last lines of " + logFile(service) + ":\n"
						+ logTail(service, 40));
			}
		});
	}

	private boolean isUp(URI health) {
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && "UP".equals(json.readTree(response.body()).path("status").asString(""));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MeshStartFailed("interrupted while waiting for the mesh");
		}
	}

	private int countAgents(URI agents) {
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(agents).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return 0;
			}
			JsonNode list = json.readTree(response.body()).path("agents");
			return list.isArray() ? list.size() : 0;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MeshStartFailed("interrupted while waiting for the mesh");
		}
	}

	/** The HTTP port of one of {@link #services()}. */
	public int portOf(String service) {
		Launch launch = launches.get(service);
		if (launch != null) {
			return launch.port();
		}
		return switch (service) {
			case REGISTRY -> options.registryPort();
			case ORCHESTRATOR -> options.orchestratorPort();
			case AGGREGATOR -> options.aggregatorPort();
			case GATEWAY -> options.gatewayPort();
			case CREDENTIALS -> options.credentialsPort();
			case RESIDENTS -> options.residentsPort();
			default -> options.workerPort(Integer.parseInt(service.substring("worker-".length())));
		};
	}

	private Process process(String service) {
		Process process = processes.get(service);
		if (process == null) {
			throw new IllegalArgumentException("no service '" + service + "' in this mesh; services: " + services());
		}
		return process;
	}

	private void killAllAndDropEnvironment() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		processes.values().forEach(Process::destroyForcibly);
		for (Process process : processes.values()) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		deleteJarCopies();
		environment.close();
	}

	private static void pause() {
		try {
			Thread.sleep(250);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MeshStartFailed("interrupted while waiting for the mesh");
		}
	}

	private static URI local(int port) {
		return URI.create("http://127.0.0.1:" + port);
	}

	/** The JVM running this code, so the services run on the same Java as the benchmark or test. */
	static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	private static void checkJars(MeshOptions options) {
		List<String> missing = new ArrayList<>();
		for (Module module : Module.values()) {
			Path jar = module.jar(options.root());
			if (!Files.isRegularFile(jar)) {
				missing.add(jar + " (build it: mvn -o -q -B -pl " + module.directory + " package -DskipTests)");
			}
		}
		if (!missing.isEmpty()) {
			throw new MeshStartFailed("service jar missing: " + String.join("; ", missing));
		}
	}

	private static void checkPortsFree(MeshOptions options) {
		List<Integer> ports = new ArrayList<>(List.of(options.gatewayPort(), options.registryPort(),
				options.orchestratorPort(), options.aggregatorPort(), options.credentialsPort(),
				options.residentsPort()));
		for (int i = 1; i <= options.workers(); i++) {
			ports.add(options.workerPort(i));
		}
		for (int port : ports) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			}
			catch (IOException ex) {
				throw new MeshStartFailed("port " + port + " is in use (another mesh, e.g. from ./colony up?); "
						+ "choose another base port than " + options.basePort());
			}
		}
	}

	static String tail(Path file, int lines) {
		try {
			if (!Files.exists(file)) {
				return "(no log at " + file + ")";
			}
			List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(cannot read " + file + ": " + ex.getMessage() + ")";
		}
	}

	private enum Module {

		REGISTRY("registry-service"), ORCHESTRATOR("orchestrator-service"), AGGREGATOR("aggregator-service"),
		CREDENTIALS("credential-service"), RESIDENTS("resident-service"), WORKER("agent-worker-service"),
		GATEWAY("gateway");

		private final String directory;

		Module(String directory) {
			this.directory = directory;
		}

		Path jar(Path root) {
			return root.resolve(directory).resolve("target").resolve(directory + ".jar");
		}
	}
}
