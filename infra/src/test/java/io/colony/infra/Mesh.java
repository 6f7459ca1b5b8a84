package io.colony.infra;

import io.colony.platform.messaging.ColonyTopology;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the deployment files must contain, taken from the code where the code says it: the services and their
 * modules, the ports in each module's {@code application.yml}, the agent types of the worker's shipped catalog
 * and the queue of each capability ({@link ColonyTopology#agentQueue}). Paths are relative to the infra module
 * (the tests' working directory).
 */
final class Mesh {

	static final Path REPOSITORY = Path.of("..");

	static final Path CATALOG = REPOSITORY.resolve("agent-worker-service/src/main/resources/colony/agents.yml");

	/** A deployable: its name in compose and Kubernetes, its Maven module, whether it is a worker pool. */
	record Deployable(String name, String module, boolean workerPool) {

		int port() {
			Map<String, Object> yml = Kustomize.loadOne(REPOSITORY.resolve(module + "/src/main/resources/application.yml"));
			return (Integer) Kustomize.map(yml.get("server")).get("port");
		}

		Path jar() {
			return Path.of(module, "target", module + ".jar");
		}
	}

	static final List<Deployable> DEPLOYABLES = List.of(new Deployable("gateway", "gateway", false),
			new Deployable("registry", "registry-service", false),
			new Deployable("orchestrator", "orchestrator-service", false),
			new Deployable("aggregator", "aggregator-service", false),
			new Deployable("credential-service", "credential-service", false),
			new Deployable("resident-service", "resident-service", false),
			new Deployable("worker-general", "agent-worker-service", true),
			new Deployable("worker-operator", "agent-worker-service", true));

	static final Set<String> INFRASTRUCTURE = Set.of("rabbitmq", "consul", "postgres", "redis", "zipkin", "prometheus",
			"grafana");

	/** Services with a schema of their own (colony.database.schema in their application.yml). */
	static final Set<String> WITH_DATABASE = Set.of("registry", "orchestrator", "aggregator", "credential-service",
			"resident-service");

	/** How long a worker drains when colony.worker.drain-timeout is not set (WorkerProperties). */
	static final java.time.Duration DEFAULT_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(20);

	private Mesh() {
	}

	static Deployable deployable(String name) {
		return DEPLOYABLES.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
	}

	/** Agent type → capability, from the shipped catalog (capability defaults to the type's name). */
	static Map<String, String> catalog() {
		Map<String, Object> agentTypes = Kustomize.map(Kustomize.loadOne(CATALOG).get("agent-types"));
		Map<String, String> capabilities = new LinkedHashMap<>();
		agentTypes.forEach((type, declaration) -> capabilities.put(type,
				(String) Kustomize.map(declaration).getOrDefault("capability", type)));
		return capabilities;
	}

	/**
	 * The queues a pool serving {@code serve} (colony.worker.catalog.serve, comma separated) consumes: each
	 * capability's queue and its high-priority queue.
	 */
	static Set<String> agentQueues(String serve) {
		Map<String, String> catalog = catalog();
		Set<String> queues = new TreeSet<>();
		for (String type : Arrays.stream(serve.split(",")).map(String::strip).toList()) {
			if (!catalog.containsKey(type)) {
				throw new IllegalArgumentException("agent type '" + type + "' is not in the catalog " + CATALOG);
			}
			ColonyTopology.agentQueues(catalog.get(type)).forEach(queue -> queues.add(queue.name()));
		}
		return queues;
	}
}
