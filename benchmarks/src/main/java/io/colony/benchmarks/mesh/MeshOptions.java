package io.colony.benchmarks.mesh;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run a mesh. Ports derive from {@code basePort}: gateway {@code +0}, registry {@code +1}, orchestrator
 * {@code +2}, aggregator {@code +3}, credential service {@code +4}, resident service {@code +5}, workers {@code +11, +12, …}; so base 8080 is the standard layout and the
 * default 18080 keeps a launched mesh clear of one started by {@code ./colony up}.
 *
 * @param root the project directory holding {@code <module>/target/<module>.jar}
 * @param workers how many agent-worker processes
 * @param simulatedLatency latency of the workers' built-in simulated model; ignored when {@code llmUrl} is set
 * @param llmUrl an OpenAI-compatible endpoint for the workers instead of the simulated model, or {@code null}
 * @param logDirectory where {@code <service>.log} files go
 * @param startTimeout how long all services together may take to become healthy and registered
 * @param workerArguments extra {@code --key=value} arguments for every worker
 * @param jvmArguments extra JVM options for every service, e.g. to trade peak speed for a faster start in tests
 * @param gatewayArguments extra {@code --key=value} arguments for the gateway (e.g. a GitHub webhook secret)
 * @param residentArguments extra {@code --key=value} arguments for the resident service (e.g. its idle timeout)
 */
public record MeshOptions(Path root, int basePort, int workers, Duration simulatedLatency, URI llmUrl,
		Path logDirectory, Duration startTimeout, List<String> workerArguments, List<String> jvmArguments,
		List<String> gatewayArguments, List<String> residentArguments) {

	public static final int DEFAULT_BASE_PORT = 18080;

	public MeshOptions {
		if (workers < 1) {
			throw new IllegalArgumentException("a mesh needs at least one worker");
		}
		if (basePort < 1024 || basePort + 11 + workers > 65_535) {
			throw new IllegalArgumentException("base port " + basePort + " leaves no room for " + workers + " workers");
		}
		workerArguments = List.copyOf(workerArguments);
		jvmArguments = List.copyOf(jvmArguments);
		gatewayArguments = gatewayArguments == null ? List.of() : List.copyOf(gatewayArguments);
		residentArguments = residentArguments == null ? List.of() : List.copyOf(residentArguments);
	}

	public MeshOptions(Path root, int basePort, int workers, Duration simulatedLatency, URI llmUrl, Path logDirectory,
			Duration startTimeout, List<String> workerArguments, List<String> jvmArguments,
			List<String> gatewayArguments) {
		this(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout, workerArguments,
				jvmArguments, gatewayArguments, List.of());
	}

	public MeshOptions(Path root, int basePort, int workers, Duration simulatedLatency, URI llmUrl, Path logDirectory,
			Duration startTimeout, List<String> workerArguments, List<String> jvmArguments) {
		this(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout, workerArguments,
				jvmArguments, List.of());
	}

	public static MeshOptions defaults() {
		Path root = projectRoot();
		return new MeshOptions(root, DEFAULT_BASE_PORT, 2, Duration.ofMillis(100), null,
				root.resolve("benchmarks/target/mesh-logs"), Duration.ofMinutes(3), List.of(), List.of(), List.of(),
				List.of());
	}

	public MeshOptions withBasePort(int basePort) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				workerArguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withWorkers(int workers) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				workerArguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withSimulatedLatency(Duration latency) {
		return new MeshOptions(root, basePort, workers, latency, llmUrl, logDirectory, startTimeout, workerArguments,
				jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withLlmUrl(URI url) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, url, logDirectory, startTimeout,
				workerArguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withLogDirectory(Path directory) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, directory, startTimeout,
				workerArguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withStartTimeout(Duration timeout) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, timeout,
				workerArguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withWorkerArguments(List<String> arguments) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				arguments, jvmArguments, gatewayArguments, residentArguments);
	}

	public MeshOptions withGatewayArguments(List<String> arguments) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				workerArguments, jvmArguments, arguments, residentArguments);
	}

	public MeshOptions withResidentArguments(List<String> arguments) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				workerArguments, jvmArguments, gatewayArguments, arguments);
	}

	public MeshOptions withJvmArguments(List<String> arguments) {
		return new MeshOptions(root, basePort, workers, simulatedLatency, llmUrl, logDirectory, startTimeout,
				workerArguments, arguments, gatewayArguments, residentArguments);
	}

	public int gatewayPort() {
		return basePort;
	}

	public int registryPort() {
		return basePort + 1;
	}

	public int orchestratorPort() {
		return basePort + 2;
	}

	public int aggregatorPort() {
		return basePort + 3;
	}

	public int credentialsPort() {
		return basePort + 4;
	}

	public int residentsPort() {
		return basePort + 5;
	}

	/** @param index 1 for the first worker */
	public int workerPort(int index) {
		return basePort + 10 + index;
	}

	/**
	 * The project directory: system property {@code colony.root}, else {@code COLONY_ROOT}, else the nearest
	 * directory at or above the working directory that holds the service modules.
	 */
	public static Path projectRoot() {
		String configured = System.getProperty("colony.root", System.getenv("COLONY_ROOT"));
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured).toAbsolutePath().normalize();
		}
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("agent-worker-service")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
				return dir;
			}
		}
		return Path.of("").toAbsolutePath();
	}
}
