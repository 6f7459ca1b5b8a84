package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.EventStream;
import io.colony.benchmarks.client.SseEvent;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resident service that owns every shard killed with SIGKILL while its agents' messages are queued and being
 * answered: a second instance, subscribed to the same shards and waiting, is given them by the broker with the
 * unacknowledged messages, and every message is answered exactly once and in each agent's order, as the public API's
 * event stream shows.
 */
class ResidentCrashIntegrationTests {

	private static final int AGENTS = 24;

	private static final int MESSAGES = 8;

	private static final String SECOND = "residents-2";

	private static SystemTestMesh mesh;

	@BeforeAll
	static void startMesh() {
		MeshOptions options = MeshOptions.defaults().withBasePort(18980).withWorkers(1)
			.withSimulatedLatency(Duration.ofMillis(300));
		mesh = SystemTestMesh.start(ResidentCrashIntegrationTests.class, options);
		// started after the first instance, so the first is every shard's active consumer and this one waits
		mesh.launcher().startCopy(MeshLauncher.RESIDENTS, SECOND, options.basePort() + 6);
	}

	@AfterAll
	static void stopMesh() {
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	void killingTheOwningInstanceHandsItsShardsOverWithNothingLostOrAnsweredTwice() throws Exception {
		ColonyClient client = mesh.client();
		StringBuilder bulk = new StringBuilder("{\"agents\": [");
		for (int a = 0; a < AGENTS; a++) {
			bulk.append(a == 0 ? "" : ",").append("{\"id\": \"crash-").append(a).append("\", \"type\": \"assistant\"}");
		}
		HttpResponse<String> created = client.send(client.authorized("/api/v1/agents/bulk")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(bulk.append("]}").toString()))
			.build());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

		Map<String, JsonNode> replies = new ConcurrentHashMap<>();
		// A reply event can be published twice (an outbox relay dying between publishing and marking its row), but a
		// message must never get two different replies.
		List<String> secondReplies = java.util.Collections.synchronizedList(new ArrayList<>());
		try (EventStream stream = client.stream("/api/v1/agents/events", "the tenant's agents", event -> {
			JsonNode reply = reply(client, event);
			JsonNode earlier = reply == null ? null : replies.putIfAbsent(reply.path("inReplyTo").asString(), reply);
			if (earlier != null && !earlier.equals(reply)) {
				secondReplies.add(earlier + " then " + reply);
			}
		})) {
			Map<String, List<String>> sent = send(client);

			// mid-stream: some answered, most still queued in the shards or being answered by the first instance
			Await.until(Duration.ofSeconds(60), "first replies" + mesh.logTails(), () -> replies.size() >= AGENTS);
			mesh.launcher().kill(MeshLauncher.RESIDENTS);
			int answeredBeforeTheKill = replies.size();

			Await.until(Duration.ofSeconds(120), "every message answered" + mesh.logTails(),
					() -> replies.size() >= AGENTS * MESSAGES);
			assertThat(answeredBeforeTheKill).as("answered when the first instance was killed")
				.isLessThan(AGENTS * MESSAGES);
			assertThat(mesh.launcher().isAlive(SECOND)).isTrue();
			for (int a = 0; a < AGENTS; a++) {
				String agent = "crash-" + a;
				List<JsonNode> answered = sent.get(agent).stream().map(replies::get).toList();
				assertThat(answered).as("replies to %s", agent).doesNotContainNull();
				assertThat(answered).extracting(reply -> reply.path("sequence").asLong())
					.as("%s answered in the order its messages were sent", agent)
					.containsExactlyElementsOf(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
			}
		}
		assertThat(secondReplies).as("messages answered twice").isEmpty();
		assertThat(mesh.countRows("select count(*) from residents.agents where processed <> " + MESSAGES))
			.as("agents whose processed count is not the messages sent to them").isZero();
		assertThat(mesh.countRows("""
				select count(*) from residents.colony_inbox where consumer = 'residents.mailbox'"""))
			.as("messages claimed (answered) once each").isEqualTo(AGENTS * MESSAGES);
	}

	/** Sends each agent its messages one after another (each after the previous 202), the agents at once. */
	private static Map<String, List<String>> send(ColonyClient client) throws Exception {
		Map<String, List<String>> sent = new ConcurrentHashMap<>();
		try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> all = new ArrayList<>();
			for (int a = 0; a < AGENTS; a++) {
				String agent = "crash-" + a;
				all.add(senders.submit(() -> {
					List<String> ids = new ArrayList<>();
					for (int m = 1; m <= MESSAGES; m++) {
						HttpResponse<String> accepted = client.send(client.authorized("/api/v1/agents/" + agent + "/messages")
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString("{\"content\": \"" + agent + " message " + m + "\"}"))
							.build());
						assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
						ids.add(client.parse(accepted.body()).path("messageId").asString());
					}
					sent.put(agent, ids);
					return null;
				}));
			}
			for (Future<?> future : all) {
				future.get();
			}
		}
		return sent;
	}

	private static JsonNode reply(ColonyClient client, SseEvent event) {
		if (!"resident.replied".equals(event.name())) {
			return null;
		}
		JsonNode reply = client.parse(event.data());
		return reply.path("inReplyTo").isString() ? reply : null;
	}
}
