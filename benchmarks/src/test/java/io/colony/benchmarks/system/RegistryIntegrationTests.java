package io.colony.benchmarks.system;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.contracts.Destinations;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry as clients see it through the gateway, with real worker processes: they join, their heartbeats
 * keep them listed, one killed with SIGKILL drops out when its lease runs out, and comes back when restarted;
 * an operator with scope {@code registry:write} revokes an agent's key, and rotates a worker's key and revokes the
 * old one while its results keep being accepted.
 */
class RegistryIntegrationTests {

	/** Workers beat every half second and ask for a 3 s lease, so a killed one is gone within seconds. */
	private static final Duration HEARTBEAT_TTL = Duration.ofSeconds(3);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static SystemTestMesh mesh;

	private static ColonyClient operator;

	@BeforeAll
	static void startMesh() {
		mesh = SystemTestMesh.start(RegistryIntegrationTests.class,
				MeshOptions.defaults()
					.withBasePort(18480)
					.withWorkers(2)
					.withWorkerArguments(List.of("--colony.worker.heartbeat-interval=PT0.5S",
							"--colony.worker.heartbeat-ttl=" + HEARTBEAT_TTL)));
		ColonyClient client = new ColonyClient(mesh.launcher().gatewayUrl());
		operator = client.useToken(client.mintToken("registry:read registry:write", Map.of()));
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	void workersBeatLeaveWhenKilledAndComeBackWhenRestarted() {
		String first = MeshLauncher.worker(1);
		String second = MeshLauncher.worker(2);
		JsonNode firstEntry = awaitWorkerListed(first);
		JsonNode secondEntry = awaitWorkerListed(second);
		assertThat(firstEntry.path("agentId").asString()).isNotEqualTo(secondEntry.path("agentId").asString());
		for (JsonNode entry : List.of(firstEntry, secondEntry)) {
			assertThat(entry.path("keys")).as("the worker's signing key in %s", entry).hasSize(1);
			assertThat(entry.path("keys").get(0).path("algorithm").asString()).isEqualTo("Ed25519");
			assertThat(entry.path("agentTypes").toString()).contains("summarizer");
			assertThat(Duration.between(instant(entry, "lastSeen"), instant(entry, "expiresAt")))
				.isEqualTo(HEARTBEAT_TTL);
		}

		Instant firstSeen = instant(firstEntry, "lastSeen");
		Await.until(WAIT, "a later heartbeat of " + first + " recorded",
				() -> workerEntry(first).map(entry -> instant(entry, "lastSeen").isAfter(firstSeen)).orElse(false));

		long killedPid = mesh.launcher().pid(first);
		mesh.launcher().kill(first);
		Await.until(WAIT, "killed " + first + " no longer listed" + mesh.logTails(),
				() -> agents().stream().noneMatch(entry -> isInstanceOf(entry, killedPid)));
		assertThat(workerEntry(second)).as("the other worker stays listed").isPresent();

		mesh.launcher().restart(first);
		JsonNode back = awaitWorkerListed(first);
		assertThat(mesh.launcher().pid(first)).isNotEqualTo(killedPid);
		assertThat(instant(back, "registeredAt")).isAfter(instant(firstEntry, "registeredAt"));
		assertThat(back.path("keys").get(0).path("keyId").asString()).as("a new process, a new key")
			.isNotEqualTo(firstEntry.path("keys").get(0).path("keyId").asString());
	}

	@Test
	void aRotatedWorkerSignsWithItsNewKeySoResultsStillCountAfterTheOldKeyIsRevoked() {
		String service = MeshLauncher.worker(2);
		JsonNode before = awaitWorkerListed(service);
		String agentId = before.path("agentId").asString();
		String oldKey = before.path("keys").get(0).path("keyId").asString();

		HttpResponse<String> rotation = post(operator, "/api/v1/registry/agents/" + agentId + "/keys/rotate");
		assertThat(rotation.statusCode()).as(rotation.body()).isEqualTo(202);
		JsonNode rotated = Await.untilValue(WAIT, agentId + " announcing a second key", () -> entry(agentId),
				found -> found.isPresent() && found.get().path("keys").size() == 2).orElseThrow();
		HttpResponse<String> revoked = post(operator, "/api/v1/registry/agents/" + agentId + "/keys/" + oldKey + "/revoke");
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

		ColonyClient jobs = mesh.client();
		String jobId = jobs.submitAccepted(jobs.json().writeValueAsString(Documents.scatterGatherJob(jobs.json(), 40)));
		try (JobWatch watch = JobWatch.open(jobs, jobId, event -> {
		})) {
			watch.awaitCompletion(Duration.ofMinutes(1), true);
		}
		JsonNode finished = Await.untilValue(WAIT, "job " + jobId + " finished in its view", () -> jobs.job(jobId),
				JobWatch::isTerminal);
		assertThat(finished.path("status").asString()).as("every result verified" + mesh.logTails())
			.isEqualTo("SUCCEEDED");
		assertThat(rotated.path("keys").toString()).contains(oldKey);
	}

	@Test
	void anOperatorRevokesAnAgentsKeyThroughTheGateway() throws IOException {
		String agentId = "operated-" + UUID.randomUUID().toString().substring(0, 8);
		String keyId = "0123456789abcdef";
		try (Channel channel = mesh.channel()) {
			// a verifier's queue: the registry publishes the revocation with mandatory routing and confirms
			String verifier = channel.queueDeclare("", false, true, true, null).getQueue();
			channel.queueBind(verifier, Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED);
			announce(channel, agentId, keyId);
			JsonNode listed = Await.untilValue(WAIT, "agent " + agentId + " listed", () -> entry(agentId),
					Optional::isPresent).orElseThrow();
			assertThat(listed.path("keys").get(0).path("keyId").asString()).isEqualTo(keyId);
			assertThat(listed.path("keys").get(0).path("revokedAt").isNull()).isTrue();

			String revokePath = "/api/v1/registry/agents/" + agentId + "/keys/" + keyId + "/revoke";
			ColonyClient reader = new ColonyClient(mesh.launcher().gatewayUrl());
			reader.useToken(reader.mintToken("registry:read", Map.of()));
			assertThat(post(reader, revokePath).statusCode()).as("without registry:write").isEqualTo(403);

			HttpResponse<String> revoked = post(operator, revokePath);

			assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
			JsonNode key = operator.parse(revoked.body()).path("keys").get(0);
			assertThat(key.path("keyId").asString()).isEqualTo(keyId);
			Instant revokedAt = instant(key, "revokedAt");
			JsonNode listedAfter = entry(agentId).orElseThrow();
			assertThat(instant(listedAfter.path("keys").get(0), "revokedAt")).isEqualTo(revokedAt);
			JsonNode event = Await.untilValue(WAIT, "AgentKeyRevoked on " + verifier, () -> {
				try {
					GetResponse message = channel.basicGet(verifier, true);
					return message == null ? null : operator.parse(new String(message.getBody(), StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}, value -> value != null);
			assertThat(event.path("type").asString()).isEqualTo("AgentKeyRevoked");
			assertThat(event.path("agentId").asString()).isEqualTo(agentId);
			assertThat(event.path("keyId").asString()).isEqualTo(keyId);
			assertThat(instant(event, "revokedAt")).isEqualTo(revokedAt);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A heartbeat with one key, published as a worker publishes it, for an agent that is not a running worker. */
	private static void announce(Channel channel, String agentId, String keyId) throws IOException {
		Map<String, Object> key = new LinkedHashMap<>();
		key.put("keyId", keyId);
		key.put("algorithm", "Ed25519");
		key.put("publicKey", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
		key.put("createdAt", Instant.now().toString());
		Map<String, Object> heartbeat = new LinkedHashMap<>();
		heartbeat.put("type", "AgentHeartbeat");
		heartbeat.put("agentId", agentId);
		heartbeat.put("instance", "system-test:1");
		heartbeat.put("agentTypes", List.of());
		heartbeat.put("capacity", 1);
		heartbeat.put("inFlight", 0);
		heartbeat.put("version", "test");
		heartbeat.put("ttl", "PT5M");
		heartbeat.put("sentAt", Instant.now().toString());
		heartbeat.put("keys", List.of(key));
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
			.messageId(UUID.randomUUID().toString())
			.type("AgentHeartbeat")
			.deliveryMode(2)
			.build();
		channel.basicPublish(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT, properties,
				operator.json().writeValueAsBytes(heartbeat));
	}

	private static HttpResponse<String> post(ColonyClient client, String path) {
		return client.send(client.authorized(path)
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	private static List<JsonNode> agents() {
		HttpResponse<String> response = operator
			.send(operator.authorized("/api/v1/registry/agents").header("Accept", "application/json").GET().build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return StreamSupport.stream(operator.parse(response.body()).path("agents").spliterator(), false).toList();
	}

	private static Optional<JsonNode> entry(String agentId) {
		return agents().stream().filter(entry -> agentId.equals(entry.path("agentId").asString(""))).findFirst();
	}

	/** The entry of a worker process: its instance is {@code host:pid}. */
	private static Optional<JsonNode> workerEntry(String service) {
		long pid = mesh.launcher().pid(service);
		return agents().stream().filter(entry -> isInstanceOf(entry, pid)).findFirst();
	}

	private static JsonNode awaitWorkerListed(String service) {
		return Await.untilValue(WAIT, service + " listed" + mesh.logTails(), () -> workerEntry(service),
				Optional::isPresent).orElseThrow();
	}

	private static boolean isInstanceOf(JsonNode entry, long pid) {
		return entry.path("instance").asString("").endsWith(":" + pid);
	}

	private static Instant instant(JsonNode node, String field) {
		return Instant.parse(node.path(field).asString());
	}
}
