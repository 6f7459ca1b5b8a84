package io.colony.infra;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every Kubernetes manifest, as {@code kubectl apply -k} would send it: the base and each overlay rendered
 * ({@link Kustomize}), every object read into fabric8's typed model (Deployments, Services, HPAs, PDBs,
 * ConfigMaps; KEDA's objects as generic resources) with no field the model does not know, then checked against
 * what the services need: probes on their port and Spring Boot's probe paths, requests and limits, a grace
 * period that covers the workers' drain, a Service, a PodDisruptionBudget, and exactly one scaler each.
 */
class KubernetesManifestsTests {

	static final Path K8S = Path.of("k8s");

	static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	/** What the pod's shutdown may take besides the drain (web server, consumers, broker connections). */
	static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);

	/** Spring's default spring.lifecycle.timeout-per-shutdown-phase, the graceful web shutdown's limit. */
	static final Duration SPRING_SHUTDOWN_PHASE = Duration.ofSeconds(30);

	record Rendering(String name, List<HasMetadata> objects) {

		static Rendering of(String directory) {
			List<HasMetadata> objects = new ArrayList<>();
			for (Map<String, Object> object : Kustomize.render(K8S.resolve(directory))) {
				HasMetadata typed = SERIALIZATION.unmarshal(SERIALIZATION.asJson(object));
				objects.add(typed);
			}
			return new Rendering(directory, objects);
		}

		<T extends HasMetadata> List<T> all(Class<T> type) {
			return objects.stream().filter(type::isInstance).map(type::cast).toList();
		}

		List<GenericKubernetesResource> custom(String kind) {
			return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
		}

		<T extends HasMetadata> T one(Class<T> type, String name) {
			List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
			assertThat(found).as("%s: %s named %s", this.name, type.getSimpleName(), name).hasSize(1);
			return found.getFirst();
		}

		Deployment deployment(Mesh.Deployable deployable) {
			return one(Deployment.class, deployable.name());
		}

		/** The container's environment as Kubernetes builds it: envFrom in order, then env, later wins. */
		Map<String, String> environment(Container container) {
			Map<String, String> environment = new HashMap<>();
			for (EnvFromSource source : container.getEnvFrom()) {
				if (source.getConfigMapRef() != null) {
					environment.putAll(one(ConfigMap.class, source.getConfigMapRef().getName()).getData());
				}
			}
			for (EnvVar variable : container.getEnv()) {
				if (variable.getValue() != null) {
					environment.put(variable.getName(), variable.getValue());
				}
			}
			return environment;
		}
	}

	static Container container(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).as(deployment.getMetadata().getName() + " containers").hasSize(1);
		return containers.getFirst();
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void everyObjectIsATypedKubernetesObjectWithOnlyFieldsTheModelKnows(String directory) {
		Rendering rendering = Rendering.of(directory);
		Map<String, Integer> kinds = new TreeMap<>();
		for (HasMetadata object : rendering.objects()) {
			kinds.merge(object.getKind(), 1, Integer::sum);
			if (!(object instanceof GenericKubernetesResource)) {
				List<String> unknown = new ArrayList<>();
				unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
				assertThat(unknown).as("%s: fields Kubernetes does not know (typos?)", directory).isEmpty();
			}
		}
		assertThat(rendering.all(Deployment.class)).hasSize(Mesh.DEPLOYABLES.size());
		assertThat(rendering.custom("ScaledObject")).hasSize(2);
		assertThat(kinds).containsKeys("ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler",
				"PodDisruptionBudget", "ScaledObject", "TriggerAuthentication");
		assertThat(rendering.objects().stream().filter(o -> o instanceof GenericKubernetesResource)
			.map(HasMetadata::getKind)).as("only KEDA's kinds are custom").allMatch(kind -> Set.of("ScaledObject",
					"TriggerAuthentication").contains(kind));
		if (!directory.equals("base")) {
			assertThat(rendering.objects()).as("the overlay's namespace on every namespaced object")
				.filteredOn(o -> !o.getKind().equals("Namespace"))
				.allMatch(o -> "colony".equals(o.getMetadata().getNamespace()));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void everyDeploymentIsProbedOnItsOwnPortWithSpringBootsProbePaths(String directory) {
		Rendering rendering = Rendering.of(directory);
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Container container = container(rendering.deployment(deployable));
			String what = directory + " " + deployable.name();
			assertThat(container.getName()).isEqualTo(deployable.name());
			assertThat(container.getPorts()).as(what + " ports").hasSize(1);
			assertThat(container.getPorts().getFirst().getName()).isEqualTo("http");
			assertThat(container.getPorts().getFirst().getContainerPort()).as(what + " container port = server.port")
				.isEqualTo(deployable.port());
			assertThat(rendering.environment(container)).as(what + " starts on its port (the image's --server.port)")
				.containsEntry("SERVER_PORT", String.valueOf(deployable.port()));
			assertHttpProbe(what + " readiness", container.getReadinessProbe(), "/actuator/health/readiness",
					deployable.port());
			assertHttpProbe(what + " liveness", container.getLivenessProbe(), "/actuator/health/liveness",
					deployable.port());
			Probe startup = container.getStartupProbe();
			assertHttpProbe(what + " startup", startup, "/actuator/health/liveness", deployable.port());
			assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).as(what + " start-up allowance (s)")
				.isGreaterThanOrEqualTo(60);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void everyDeploymentRequestsAndLimitsCpuAndMemory(String directory) {
		Rendering rendering = Rendering.of(directory);
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Container container = container(rendering.deployment(deployable));
			String what = directory + " " + deployable.name();
			Map<String, Quantity> requests = container.getResources().getRequests();
			Map<String, Quantity> limits = container.getResources().getLimits();
			assertThat(requests).as(what + " requests").containsKeys("cpu", "memory");
			assertThat(limits).as(what + " limits").containsKeys("cpu", "memory");
			for (String resource : List.of("cpu", "memory")) {
				assertThat(Quantity.getAmountInBytes(requests.get(resource)))
					.as(what + " " + resource + " request <= limit")
					.isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get(resource)));
			}
			assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValue()).as(what + " memory limit")
				.isGreaterThanOrEqualTo(512L * 1024 * 1024);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void shutdownIsGracefulAndLongerThanAWorkersDrain(String directory) {
		Rendering rendering = Rendering.of(directory);
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Deployment deployment = rendering.deployment(deployable);
			Container container = container(deployment);
			String what = directory + " " + deployable.name();
			assertThat(container.getLifecycle()).as(what + " lifecycle").isNotNull();
			List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
			assertThat(preStop).as(what + " preStop pause").hasSize(2).first().isEqualTo("sleep");
			Duration pause = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
			Duration shutdown;
			if (deployable.workerPool()) {
				String drain = rendering.environment(container).get("COLONY_WORKER_DRAINTIMEOUT");
				shutdown = drain == null ? Mesh.DEFAULT_DRAIN_TIMEOUT : Duration.parse(drain);
			}
			else {
				shutdown = SPRING_SHUTDOWN_PHASE;
			}
			Duration grace = Duration.ofSeconds(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
			assertThat(grace).as(what + " terminationGracePeriodSeconds >= preStop + drain/shutdown + margin")
				.isGreaterThanOrEqualTo(pause.plus(shutdown).plus(SHUTDOWN_MARGIN));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void everyDeploymentHasAServiceAndADisruptionBudgetSelectingItsPods(String directory) {
		Rendering rendering = Rendering.of(directory);
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			Deployment deployment = rendering.deployment(deployable);
			Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
			String what = directory + " " + deployable.name();
			assertThat(podLabels).as(what + " pods match the Deployment's selector")
				.containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

			List<Service> services = rendering.all(Service.class).stream()
				.filter(s -> !s.getSpec().getSelector().isEmpty()
						&& podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
				.toList();
			assertThat(services).as(what + " Services selecting its pods").hasSize(1);
			assertThat(services.getFirst().getSpec().getPorts()).singleElement()
				.satisfies(port -> assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http")));

			List<PodDisruptionBudget> budgets = rendering.all(PodDisruptionBudget.class).stream()
				.filter(b -> podLabels.entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()))
				.toList();
			assertThat(budgets).as(what + " PodDisruptionBudgets").hasSize(1);
			PodDisruptionBudget budget = budgets.getFirst();
			assertThat(budget.getSpec().getMinAvailable()).as(what + ": maxUnavailable, so that a one-replica "
					+ "service does not block node drains").isNull();
			assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).as(what + " maxUnavailable").isPositive();
			assertThat(deployment.getSpec().getReplicas()).as(what + ": no replicas, its scaler owns the count")
				.isNull();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void eachServiceScalesOnItsOwn(String directory) {
		Rendering rendering = Rendering.of(directory);
		List<HorizontalPodAutoscaler> hpas = rendering.all(HorizontalPodAutoscaler.class);
		List<GenericKubernetesResource> scaledObjects = rendering.custom("ScaledObject");
		Set<String> deployments = new TreeSet<>(rendering.all(Deployment.class).stream()
			.map(d -> d.getMetadata().getName()).toList());
		for (HorizontalPodAutoscaler hpa : hpas) {
			assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
			assertThat(deployments).as("HPA %s targets a Deployment", hpa.getMetadata().getName())
				.contains(hpa.getSpec().getScaleTargetRef().getName());
		}
		for (GenericKubernetesResource scaledObject : scaledObjects) {
			assertThat((String) scaledObject.get("spec", "scaleTargetRef", "kind")).isIn(null, "Deployment");
			assertThat(deployments).contains((String) scaledObject.get("spec", "scaleTargetRef", "name"));
		}
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			String what = directory + " " + deployable.name();
			List<HorizontalPodAutoscaler> ownHpas = hpas.stream()
				.filter(h -> h.getSpec().getScaleTargetRef().getName().equals(deployable.name()))
				.toList();
			List<GenericKubernetesResource> ownScaledObjects = scaledObjects.stream()
				.filter(s -> deployable.name().equals(s.get("spec", "scaleTargetRef", "name")))
				.toList();
			assertThat(ownHpas.size() + ownScaledObjects.size()).as(what + ": exactly one scaler").isEqualTo(1);
			if (deployable.workerPool()) {
				assertThat(ownScaledObjects).as(what + " scales on its queues (KEDA)").hasSize(1);
				Number min = ownScaledObjects.getFirst().get("spec", "minReplicaCount");
				Number max = ownScaledObjects.getFirst().get("spec", "maxReplicaCount");
				assertThat(min.intValue()).as(what + ": never to zero, the orchestrator refuses jobs without a live "
						+ "agent").isGreaterThanOrEqualTo(1);
				assertThat(max.intValue()).isGreaterThanOrEqualTo(min.intValue());
			}
			else {
				assertThat(ownHpas).as(what + " scales on CPU").hasSize(1);
				HorizontalPodAutoscaler hpa = ownHpas.getFirst();
				assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(1);
				assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
				assertThat(hpa.getSpec().getMetrics()).anySatisfy(metric -> {
					assertThat(metric.getType()).isEqualTo("Resource");
					assertThat(metric.getResource().getName()).isEqualTo("cpu");
					assertThat(metric.getResource().getTarget().getAverageUtilization()).isBetween(1, 100);
				});
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void workerPoolsScaleOnTheAgentQueuesOfTheTypesTheyServe(String directory) {
		Rendering rendering = Rendering.of(directory);
		Map<String, String> servedBy = new TreeMap<>();
		Set<String> authentications = new TreeSet<>(rendering.custom("TriggerAuthentication").stream()
			.map(a -> a.getMetadata().getName()).toList());
		for (Mesh.Deployable pool : Mesh.DEPLOYABLES.stream().filter(Mesh.Deployable::workerPool).toList()) {
			String what = directory + " " + pool.name();
			String serve = rendering.environment(container(rendering.deployment(pool))).get("COLONY_WORKER_CATALOG_SERVE");
			assertThat(serve).as(what + " names the agent types it serves (colony.worker.catalog.serve)").isNotBlank();
			for (String type : serve.split(",")) {
				String previous = servedBy.put(type.strip(), pool.name());
				assertThat(previous).as("agent type %s served by two pools", type).isNull();
			}
			GenericKubernetesResource scaledObject = rendering.custom("ScaledObject").stream()
				.filter(s -> pool.name().equals(s.get("spec", "scaleTargetRef", "name")))
				.findFirst()
				.orElseThrow();
			List<Map<String, Object>> triggers = scaledObject.get("spec", "triggers");
			Set<String> queues = new TreeSet<>();
			for (Map<String, Object> trigger : triggers) {
				assertThat(trigger.get("type")).isEqualTo("rabbitmq");
				Map<String, Object> metadata = Kustomize.map(trigger.get("metadata"));
				assertThat(metadata.get("mode")).as(what + " scales on queue length").isEqualTo("QueueLength");
				assertThat(Integer.parseInt((String) metadata.get("value"))).as(what + " messages per replica").isPositive();
				assertThat(metadata.get("protocol")).as(what + ": http counts unacknowledged (in-flight) tasks too")
					.isEqualTo("http");
				assertThat(metadata).as("credentials come from the TriggerAuthentication").doesNotContainKey("host");
				assertThat(authentications).contains((String) Kustomize.map(trigger.get("authenticationRef")).get("name"));
				queues.add((String) metadata.get("queueName"));
			}
			assertThat(queues).as(what + ": one trigger per agent.<capability>(.high) queue of the types it serves")
				.hasSize(triggers.size())
				.isEqualTo(Mesh.agentQueues(serve));
		}
		assertThat(servedBy.keySet()).as("every agent type of the shipped catalog has a pool")
			.isEqualTo(Mesh.catalog().keySet());
	}

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void secretsAreReferencedAndDocumentedAndNeverInConfigMaps(String directory) {
		Rendering rendering = Rendering.of(directory);
		Map<String, Set<String>> documented = documentedSecrets();
		Map<String, Set<String>> required = new TreeMap<>();
		for (Deployment deployment : rendering.all(Deployment.class)) {
			Container container = container(deployment);
			for (EnvVar variable : container.getEnv()) {
				if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
					var ref = variable.getValueFrom().getSecretKeyRef();
					assertThat(documented).as("Secret %s documented in secrets.example.yaml", ref.getName())
						.containsKey(ref.getName());
					assertThat(documented.get(ref.getName())).contains(ref.getKey());
					if (!Boolean.TRUE.equals(ref.getOptional())) {
						required.computeIfAbsent(ref.getName(), n -> new TreeSet<>()).add(ref.getKey());
					}
				}
			}
			for (Volume volume : deployment.getSpec().getTemplate().getSpec().getVolumes()) {
				if (volume.getSecret() != null) {
					assertThat(documented).containsKey(volume.getSecret().getSecretName());
					required.computeIfAbsent(volume.getSecret().getSecretName(), n -> new TreeSet<>())
						.addAll(documented.get(volume.getSecret().getSecretName()));
				}
			}
		}
		for (GenericKubernetesResource authentication : rendering.custom("TriggerAuthentication")) {
			List<Map<String, Object>> refs = authentication.get("spec", "secretTargetRef");
			for (Map<String, Object> ref : refs) {
				assertThat(documented).containsKey((String) ref.get("name"));
				assertThat(documented.get((String) ref.get("name"))).contains((String) ref.get("key"));
				required.computeIfAbsent((String) ref.get("name"), n -> new TreeSet<>()).add((String) ref.get("key"));
			}
		}
		List<Secret> secrets = rendering.all(Secret.class);
		if (directory.equals("overlays/local")) {
			for (Map.Entry<String, Set<String>> secret : required.entrySet()) {
				Secret defined = rendering.one(Secret.class, secret.getKey());
				assertThat(defined.getStringData()).as("local Secret %s", secret.getKey()).containsKeys(
						secret.getValue().toArray(String[]::new));
			}
		}
		else {
			assertThat(secrets).as(directory + " defines no Secret: they are created out of band").isEmpty();
		}
		for (ConfigMap configMap : rendering.all(ConfigMap.class)) {
			assertThat(configMap.getData().keySet()).as("ConfigMap %s holds no credentials", configMap.getMetadata().getName())
				.noneMatch(key -> key.matches("(?i).*(PASSWORD|SECRET|TOKEN|API_?KEY).*"));
		}
	}

	@Test
	void theSecretsExampleHoldsPlaceholdersOnly() {
		List<Map<String, Object>> secrets = Kustomize.loadAll(K8S.resolve("secrets.example.yaml"));
		assertThat(secrets).isNotEmpty();
		for (Map<String, Object> secret : secrets) {
			assertThat(Kustomize.kind(secret)).isEqualTo("Secret");
			assertThat(secret).doesNotContainKey("data");
			Kustomize.map(secret.get("stringData")).forEach((key, value) -> assertThat((String) value)
				.as("%s/%s", Kustomize.name(secret), key)
				.contains("REPLACE_ME"));
		}
	}

	@Test
	void overlaysPinImagesAndSizeTheServicesForTheirPlace() {
		Rendering local = Rendering.of("overlays/local");
		Rendering production = Rendering.of("overlays/production");
		for (Mesh.Deployable deployable : Mesh.DEPLOYABLES) {
			String localImage = container(local.deployment(deployable)).getImage();
			String productionImage = container(production.deployment(deployable)).getImage();
			assertThat(localImage).endsWith(":local").startsWith("colony/");
			assertThat(productionImage).as("production image of " + deployable.name())
				.matches("[a-z0-9.-]+\\.[a-z]+/colony/" + (deployable.workerPool() ? "agent-worker-service" : deployable.module())
						+ ":[0-9][A-Za-z0-9._-]*");
		}
		// one gateway while it issues tokens itself: each process signs with its own key
		for (Rendering rendering : List.of(local, production)) {
			Container gateway = container(rendering.deployment(Mesh.deployable("gateway")));
			boolean localIssuer = "true".equals(rendering.environment(gateway).get("COLONY_GATEWAY_LOCALISSUER_ENABLED"));
			int maxGateways = rendering.one(HorizontalPodAutoscaler.class, "gateway").getSpec().getMaxReplicas();
			if (localIssuer) {
				assertThat(maxGateways).as(rendering.name() + ": gateways with a local issuer").isEqualTo(1);
			}
			else {
				assertThat(rendering.environment(gateway))
					.containsKey("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI");
			}
		}
		// several credential services share their signing keys, from a Secret
		Container credentials = container(production.deployment(Mesh.deployable("credential-service")));
		assertThat(production.one(HorizontalPodAutoscaler.class, "credential-service").getSpec().getMinReplicas())
			.isGreaterThan(1);
		Map<String, String> environment = production.environment(credentials);
		assertThat(credentials.getVolumeMounts()).anySatisfy(mount -> {
			assertThat(environment.get("COLONY_CREDENTIALS_KEY_FILE")).startsWith(mount.getMountPath() + "/");
			assertThat(environment.get("COLONY_CREDENTIALS_AUDIT_KEYFILE")).startsWith(mount.getMountPath() + "/");
			assertThat(mount.getReadOnly()).isTrue();
		});
		assertThat(production.one(HorizontalPodAutoscaler.class, "gateway").getSpec().getMinReplicas()).isGreaterThan(1);
	}

	@Test
	void productionDependenciesAreClustersTheOverlayPointsAt() {
		Rendering production = Rendering.of("overlays/production");
		Map<String, String> common = production.one(ConfigMap.class, "colony-common").getData();

		GenericKubernetesResource rabbit = SERIALIZATION.unmarshal(SERIALIZATION.asJson(
				Kustomize.loadOne(K8S.resolve("dependencies/rabbitmq-cluster.yaml"))));
		assertThat(rabbit.getKind()).isEqualTo("RabbitmqCluster");
		assertThat(rabbit.getMetadata().getName()).as("the Service the production overlay connects to")
			.isEqualTo(common.get("COLONY_RABBITMQ_HOST"));
		int nodes = ((Number) rabbit.get("spec", "replicas")).intValue();
		assertThat(nodes).as("an odd number of nodes, at least three (quorum queues)").isGreaterThanOrEqualTo(3).isOdd();
		assertThat((String) rabbit.get("spec", "rabbitmq", "additionalConfig"))
			.contains("cluster_partition_handling = pause_minority");

		Map<String, Object> consul = Kustomize.loadOne(K8S.resolve("dependencies/consul-values.yaml"));
		Map<String, Object> server = Kustomize.map(consul.get("server"));
		assertThat((Integer) server.get("replicas")).isGreaterThanOrEqualTo(3).isOdd().isEqualTo(server.get("bootstrapExpect"));
		assertThat(Kustomize.map(consul.get("client")).get("enabled")).as("an agent on every node (the registry "
				+ "registers through the agent API)").isEqualTo(true);
		Map<String, Object> global = Kustomize.map(consul.get("global"));
		assertThat(Kustomize.map(global.get("acls")).get("manageSystemACLs")).isEqualTo(true);
		assertThat(Kustomize.map(global.get("gossipEncryption"))).isNotEmpty();
		assertThat(Kustomize.map(global.get("tls")).get("enabled")).isEqualTo(true);
	}

	static Map<String, Set<String>> documentedSecrets() {
		Map<String, Set<String>> documented = new TreeMap<>();
		for (Map<String, Object> secret : Kustomize.loadAll(K8S.resolve("secrets.example.yaml"))) {
			documented.put(Kustomize.name(secret), new TreeSet<>(Kustomize.map(secret.get("stringData")).keySet()));
		}
		return documented;
	}

	static void assertHttpProbe(String what, Probe probe, String path, int port) {
		assertThat(probe).as(what).isNotNull();
		HTTPGetAction get = probe.getHttpGet();
		assertThat(get).as(what + " httpGet").isNotNull();
		assertThat(get.getPath()).as(what + " path").isEqualTo(path);
		IntOrString probePort = get.getPort();
		assertThat(probePort.getIntVal() != null ? probePort.getIntVal() == port : "http".equals(probePort.getStrVal()))
			.as(what + " on the container's port (%s)", probePort)
			.isTrue();
	}

	/**
	 * Fields the typed model did not recognise end up in its {@code additionalProperties}; Kubernetes would
	 * reject them (or, with lenient validation, ignore them), so any is a mistake in a manifest.
	 */
	static void unknownFields(Object model, String path, List<String> unknown) {
		if (model == null) {
			return;
		}
		if (model instanceof Collection<?> collection) {
			int i = 0;
			for (Object item : collection) {
				unknownFields(item, path + "[" + i++ + "]", unknown);
			}
			return;
		}
		if (model instanceof Map<?, ?> map) {
			map.forEach((key, value) -> unknownFields(value, path + "." + key, unknown));
			return;
		}
		if (!model.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
			return;
		}
		for (Method getter : model.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			try {
				Object value = getter.invoke(model);
				if (getter.getName().equals("getAdditionalProperties")) {
					if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
						unknown.add(path + ": " + extra.keySet());
					}
				}
				else if (value != null && !(value instanceof String) && !(value instanceof Number)
						&& !(value instanceof Boolean) && !(value instanceof Enum<?>)) {
					unknownFields(value, path + "." + getter.getName().substring(3), unknown);
				}
			}
			catch (ReflectiveOperationException ex) {
				fail("cannot read " + getter + " of " + path, ex);
			}
		}
	}
}
