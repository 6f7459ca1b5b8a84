package io.colony.infra;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code infra/compose.yaml} (read with SnakeYAML, anchors and merge keys resolved as Compose resolves them) and
 * the Dockerfile it builds from: every service of the mesh built from its module's jar and started on its port,
 * health-checked, started after what it needs, configured with the variables the services read; the
 * infrastructure beside it; and every file it mounts present.
 */
class ComposeTests {

	static final Path COMPOSE = Path.of("compose.yaml");

	static final Path DOCKERFILE = Path.of("docker/Dockerfile");

	static Map<String, Object> services() {
		return Kustomize.map(Kustomize.loadOne(COMPOSE).get("services"));
	}

	static Map<String, Object> service(String name) {
		Map<String, Object> services = services();
		assertThat(services).as("compose services").containsKey(name);
		return Kustomize.map(services.get(name));
	}

	static Map<String, String> environment(String name) {
		Map<String, String> environment = new TreeMap<>();
		Kustomize.map(service(name).get("environment")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
		return environment;
	}

	@Test
	void everyServiceOfTheMeshAndTheInfrastructureIsThere() {
		Set<String> expected = new TreeSet<>(Mesh.INFRASTRUCTURE);
		Mesh.DEPLOYABLES.forEach(d -> expected.add(d.name()));
		assertThat(services().keySet()).containsAll(expected);
		assertThat((String) service("rabbitmq").get("image")).as("RabbitMQ with its management API").contains("management");
		assertThat((String) service("consul").get("image")).contains("consul");
		assertThat((String) service("postgres").get("image")).startsWith("postgres:");
	}

	@Test
	void everyMeshServiceIsBuiltFromItsJarAndStartedOnItsPort() {
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Map<String, Object> build = Kustomize.map(service(deployable.name()).get("build"));
			String what = deployable.name();
			assertThat(Path.of((String) build.get("context")).resolve((String) build.get("dockerfile")).normalize())
				.as(what + " Dockerfile").isEqualTo(Path.of("..", "infra", "docker", "Dockerfile").normalize());
			Map<String, Object> args = Kustomize.map(build.get("args"));
			assertThat(Path.of((String) args.get("JAR"))).as(what + " jar").isEqualTo(deployable.jar());
			assertThat(Files.isRegularFile(Mesh.REPOSITORY.resolve(deployable.module()).resolve("pom.xml")))
				.as(what + " module exists").isTrue();
			assertThat(args.get("PORT")).as(what + " port = the module's server.port")
				.isEqualTo(String.valueOf(deployable.port()));
		}
	}

	@Test
	void everyServiceIsHealthCheckedAndStartsAfterWhatItNeeds() {
		Map<String, Object> services = services();
		for (Map.Entry<String, Object> entry : services.entrySet()) {
			Map<String, Object> service = Kustomize.map(entry.getValue());
			String name = entry.getKey();
			if (!name.equals("rabbitmq-definitions")) {
				assertThat(service).as(name + " healthcheck").containsKey("healthcheck");
			}
			for (Map.Entry<String, Object> dependency : Kustomize.map(service.get("depends_on")).entrySet()) {
				String condition = (String) Kustomize.map(dependency.getValue()).get("condition");
				assertThat(condition).as(name + " waits for " + dependency.getKey()).isIn("service_healthy",
						"service_completed_successfully");
				assertThat(services).containsKey(dependency.getKey());
				if (condition.equals("service_healthy")) {
					assertThat(Kustomize.map(services.get(dependency.getKey()))).as(dependency.getKey() + " healthcheck")
						.containsKey("healthcheck");
				}
			}
		}
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Map<String, Object> service = service(deployable.name());
			List<?> test = Kustomize.list(Kustomize.map(service.get("healthcheck")).get("test"));
			assertThat(String.join(" ", test.stream().map(String::valueOf).toList())).as(deployable.name() + " healthcheck")
				.contains("/actuator/health");
			Set<String> dependencies = Kustomize.map(service.get("depends_on")).keySet();
			assertThat(dependencies).as(deployable.name() + " dependencies").contains("rabbitmq-definitions");
			if (Mesh.WITH_DATABASE.contains(deployable.name())) {
				assertThat(dependencies).contains("postgres");
			}
			if (deployable.workerPool()) {
				assertThat(dependencies).contains("redis");
			}
		}
		assertThat(Kustomize.map(service("rabbitmq-definitions").get("depends_on"))).containsKey("rabbitmq");
	}

	@Test
	void servicesGetTheVariablesTheyRead() {
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Map<String, String> environment = environment(deployable.name());
			assertThat(environment).as(deployable.name())
				.containsEntry("COLONY_RABBITMQ_HOST", "rabbitmq")
				.containsEntry("COLONY_ZIPKIN_URL", "http://zipkin:9411/api/v2/spans")
				.containsEntry("COLONY_CONSUL_DISCOVERY", "true")
				.containsEntry("COLONY_CONSUL_HOST", "consul");
			assertThat(environment.get("COLONY_RABBITMQ_USER")).isNotBlank();
			if (Mesh.WITH_DATABASE.contains(deployable.name())) {
				assertThat(environment).containsEntry("COLONY_DB_HOST", "postgres").containsEntry("COLONY_DB_NAME", "colony");
			}
			if (deployable.workerPool()) {
				assertThat(environment).containsEntry("COLONY_REDIS_HOST", "redis")
					.containsEntry("COLONY_WORKER_CREDENTIALS_URL", "http://credential-service:8084");
			}
		}
		assertThat(environment("registry")).as("the registry on Consul")
			.containsEntry("COLONY_REGISTRY_BACKEND", "consul")
			.containsEntry("COLONY_CONSUL_URL", "http://consul:8500");
		assertThat(environment("gateway")).containsEntry("COLONY_GATEWAY_ORCHESTRATORURL", "http://orchestrator:8082")
			.containsEntry("COLONY_GATEWAY_AGGREGATORURL", "http://aggregator:8083")
			.containsEntry("COLONY_GATEWAY_REGISTRYURL", "http://registry:8081")
			.containsEntry("COLONY_GATEWAY_CREDENTIALSURL", "http://credential-service:8084")
			.containsEntry("COLONY_GATEWAY_RESIDENTSURL", "http://resident-service:8085");
		assertThat(environment("resident-service")).as("shards agreed by every resident-service instance")
			.containsEntry("COLONY_RESIDENTS_SHARDS", "16");
		assertThat(environment("orchestrator")).containsEntry("COLONY_ORCHESTRATOR_REGISTRYURL", "http://registry:8081");
		assertThat(environment("postgres")).containsEntry("POSTGRES_DB", "colony");
	}

	@Test
	void workerPoolsShareTheCatalogOutAndStopAfterTheirDrain() {
		Map<String, String> servedBy = new TreeMap<>();
		for (Mesh.Deployable pool : Mesh.DEPLOYABLES.stream().filter(Mesh.Deployable::workerPool).toList()) {
			Map<String, String> environment = environment(pool.name());
			for (String type : environment.get("COLONY_WORKER_CATALOG_SERVE").split(",")) {
				assertThat(servedBy.put(type.strip(), pool.name())).as(type + " served by one pool").isNull();
			}
			Mesh.agentQueues(environment.get("COLONY_WORKER_CATALOG_SERVE"));
			Duration drain = Duration.parse(environment.getOrDefault("COLONY_WORKER_DRAINTIMEOUT", "PT20S"));
			Duration grace = composeDuration((String) service(pool.name()).get("stop_grace_period"));
			assertThat(grace).as(pool.name() + " stop_grace_period covers the drain").isGreaterThan(drain.plusSeconds(10));
		}
		assertThat(servedBy.keySet()).isEqualTo(Mesh.catalog().keySet());
		assertThat(servedBy).containsEntry("operator", "worker-operator");
	}

	@Test
	void theBrokerGetsItsTopologyAndMonitoringItsConfiguration() {
		assertThat(mounts("rabbitmq-definitions")).containsKey("./rabbitmq/definitions.json");
		assertThat(String.valueOf(service("rabbitmq-definitions").get("command"))).contains("/api/definitions");
		assertThat(mounts("prometheus")).containsKeys("./prometheus/prometheus.yml", "./prometheus/alerts.yml");
		assertThat(mounts("grafana")).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning")
			.containsEntry("./grafana/dashboards", "/var/lib/grafana/dashboards");
		for (String name : services().keySet()) {
			for (String source : mounts(name).keySet()) {
				if (source.startsWith("./")) {
					assertThat(Path.of(source)).as(name + " mounts " + source).exists();
				}
			}
		}
	}

	@Test
	void theImageRunsTheJarAsANonRootUserOnJava21OrNewer() throws Exception {
		List<String> lines = new ArrayList<>();
		for (String line : Files.readString(DOCKERFILE).replace("\\\n", " ").split("\n")) {
			if (!line.isBlank() && !line.strip().startsWith("#")) {
				lines.add(line.strip());
			}
		}
		Matcher version = Pattern.compile("ARG JAVA_VERSION=(\\d+)").matcher(String.join("\n", lines));
		assertThat(version.find()).isTrue();
		assertThat(Integer.parseInt(version.group(1))).isGreaterThanOrEqualTo(21);
		assertThat(lines).anyMatch(line -> line.equals("ARG JAR"));
		assertThat(lines).anyMatch(line -> line.startsWith("COPY ${JAR}"));
		List<String> froms = lines.stream().filter(line -> line.startsWith("FROM ")).toList();
		assertThat(froms).allMatch(from -> from.contains("-jre"));
		String user = lines.stream().filter(line -> line.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
		assertThat(user).as("last USER").doesNotContain("root").doesNotMatch("USER 0(:.*)?");
		assertThat(lines.indexOf(user)).as("USER after the last FROM").isGreaterThan(lines.indexOf(froms.getLast()));
		String entrypoint = lines.stream().filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
		assertThat(entrypoint).as("java replaces the shell (signals reach it) and gets the port")
			.contains("exec java").contains("--server.port=${SERVER_PORT}");
		assertThat(lines).anyMatch(line -> line.contains("HEALTHCHECK") && line.contains("/actuator/health"));
	}

	/** Volume source → target of a compose service's short-syntax volumes. */
	static Map<String, String> mounts(String name) {
		Map<String, String> mounts = new TreeMap<>();
		for (Object volume : Kustomize.list(service(name).get("volumes"))) {
			String[] parts = ((String) volume).split(":");
			mounts.put(parts[0], parts[1]);
		}
		return mounts;
	}

	static Duration composeDuration(String value) {
		Matcher matcher = Pattern.compile("(\\d+)([smh])").matcher(value);
		assertThat(matcher.matches()).as("duration " + value).isTrue();
		long amount = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofHours(amount);
		};
	}
}
