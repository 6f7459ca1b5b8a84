package io.colony.residents;

import io.colony.contracts.Destinations;
import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentMessageSent;
import io.colony.contracts.ResidentReplied;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.residents.runtime.ResidentRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One resident-service against the real broker and database: the API, ordered processing per agent with many agents
 * at once, passivation and re-activation, summarisation, duplicates, timers. Every scenario uses its own tenant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResidentAgentsIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final Duration WAIT = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("COLONY_LOG_FORMAT", () -> "text");
		registry.add("colony.residents.shards", () -> "4");
		registry.add("colony.residents.llm.latency", () -> "PT0.03S");
		registry.add("colony.residents.types-location", () -> "classpath:colony/residents-test.yml");
		registry.add("colony.residents.idle-timeout", () -> "PT3S");
		registry.add("colony.residents.sweep-interval", () -> "PT0.5S");
		registry.add("colony.residents.timers.poll-interval", () -> "PT0.2S");
	}

	@AfterAll
	static void cleanUp() {
		env.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MessageCodec codec;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	ResidentRuntime runtime;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	ResidentHttp api;

	Replies replies;

	String tenant;

	@BeforeEach
	void setUp() {
		api = new ResidentHttp(port);
		replies = new Replies(jdbc, codec);
		tenant = "t-" + UUID.randomUUID();
	}

	@Test
	void agentsAreCreatedListedInspectedAndDeletedPerTenant() {
		ResidentHttp.Response created = api.post(tenant, "/internal/v1/agents",
				"{\"id\": \"user-1\", \"type\": \"assistant\", \"memory\": {\"summary\": \"likes tea\", \"facts\": {\"name\": \"Ada\"}}}");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.body().path("id").asString()).isEqualTo("user-1");
		assertThat(created.body().path("type").asString()).isEqualTo("assistant");
		assertThat(created.body().path("createdAt").isMissingNode()).isFalse();

		ResidentHttp.Response generated = api.post(tenant, "/internal/v1/agents", "{\"type\": \"coach\"}");
		assertThat(generated.status()).isEqualTo(201);
		String generatedId = generated.body().path("id").asString();
		assertThat(ResidentId.isValid(generatedId)).isTrue();

		ResidentHttp.Response view = api.get(tenant, "/internal/v1/agents/user-1");
		assertThat(view.status()).isEqualTo(200);
		assertThat(view.body().path("memory").path("summary").asString()).isEqualTo("likes tea");
		assertThat(view.body().path("memory").path("facts").path("name").asString()).isEqualTo("Ada");
		assertThat(view.body().path("messages").asLong()).isZero();
		assertThat(view.body().path("timers").asInt()).isZero();

		ResidentHttp.Response bulk = api.post(tenant, "/internal/v1/agents/bulk",
				"{\"agents\": [{\"id\": \"user-2\", \"type\": \"assistant\"}, {\"id\": \"user-3\", \"type\": \"assistant\"}]}");
		assertThat(bulk.status()).isEqualTo(201);
		assertThat(bulk.body().path("created").asInt()).isEqualTo(2);

		ResidentHttp.Response firstPage = api.get(tenant, "/internal/v1/agents?type=assistant&limit=2");
		assertThat(firstPage.body().path("items").valueStream().map(item -> item.path("id").asString()).toList())
			.containsExactly("user-1", "user-2");
		assertThat(firstPage.body().path("next").asString()).isEqualTo("user-2");
		ResidentHttp.Response secondPage = api.get(tenant, "/internal/v1/agents?type=assistant&limit=2&after=user-2");
		assertThat(secondPage.body().path("items").valueStream().map(item -> item.path("id").asString()).toList())
			.containsExactly("user-3");
		assertThat(secondPage.body().path("next").isNull()).isTrue();

		assertThat(api.get("someone-else", "/internal/v1/agents/user-1").status()).isEqualTo(404);
		assertThat(api.get("someone-else", "/internal/v1/agents").body().path("items").size()).isZero();
		assertThat(api.delete("someone-else", "/internal/v1/agents/user-1").status()).isEqualTo(404);

		assertThat(api.delete(tenant, "/internal/v1/agents/user-1").status()).isEqualTo(204);
		ResidentHttp.Response gone = api.get(tenant, "/internal/v1/agents/user-1");
		assertThat(gone.status()).isEqualTo(404);
		assertThat(gone.body().path("type").asString()).isEqualTo("urn:colony:problem:agent-not-found");
	}

	@Test
	void badRequestsAreClearProblemsAndStoreNothing() {
		assertProblem(api.post(tenant, "/internal/v1/agents", "{\"type\": \"wizard\"}"), 400, "unknown agent type 'wizard'");
		assertProblem(api.post(tenant, "/internal/v1/agents", "{\"type\": \"assistant\", \"colour\": \"red\"}"), 400,
				"unknown field 'colour'");
		assertProblem(api.post(tenant, "/internal/v1/agents", "{\"id\": \"has space\", \"type\": \"assistant\"}"), 400,
				"id: agent id must be");
		assertProblem(api.post(tenant, "/internal/v1/agents", "{\"type\": \"assistant\", \"memory\": {\"facts\": {\"age\": 3}}}"),
				400, "not valid");
		assertProblem(api.post(tenant, "/internal/v1/agents", "{\"id\": \"x\"}"), 400, "type is required");
		assertProblem(api.post(tenant, "/internal/v1/agents", "not json"), 400, "not valid");
		assertProblem(api.post(tenant, "/internal/v1/agents",
				"{\"type\": \"coach\", \"memory\": {\"facts\": {\"check-in\": \"at dawn\"}}}"), 400, "HH:MM");
		assertProblem(api.post(null, "/internal/v1/agents", "{\"type\": \"assistant\"}"), 400, "X-Colony-Tenant");
		assertProblem(api.post(tenant, "/internal/v1/agents/bulk", "{\"agents\": []}"), 400, "1 to 10000");
		assertProblem(api.post(tenant, "/internal/v1/agents/bulk",
				"{\"agents\": [{\"id\": \"a\", \"type\": \"assistant\"}, {\"id\": \"a\", \"type\": \"assistant\"}]}"), 400,
				"appears twice");
		assertProblem(api.get(tenant, "/internal/v1/agents?limit=0"), 400, "limit");
		assertThat(jdbc.queryForObject("select count(*) from agents where tenant = ?", Integer.class, tenant)).isZero();

		assertThat(api.post(tenant, "/internal/v1/agents", "{\"id\": \"taken\", \"type\": \"assistant\"}").status())
			.isEqualTo(201);
		ResidentHttp.Response exists = api.post(tenant, "/internal/v1/agents", "{\"id\": \"taken\", \"type\": \"assistant\"}");
		assertProblem(exists, 409, "taken");
		assertThat(exists.body().path("type").asString()).isEqualTo("urn:colony:problem:agent-exists");
		ResidentHttp.Response bulkExists = api.post(tenant, "/internal/v1/agents/bulk",
				"{\"agents\": [{\"id\": \"fresh\", \"type\": \"assistant\"}, {\"id\": \"taken\", \"type\": \"assistant\"}]}");
		assertProblem(bulkExists, 409, "taken");
		assertThat(bulkExists.body().path("ids").valueStream().map(id -> id.asString()).toList()).containsExactly("taken");
		assertThat(api.get(tenant, "/internal/v1/agents/fresh").status()).as("all or nothing").isEqualTo(404);

		assertProblem(api.post(tenant, "/internal/v1/agents/nobody/messages", "{\"content\": \"hi\"}"), 404, "nobody");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/messages", "{\"content\": \"\"}"), 400, "content");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/messages", "{\"content\": \"" + "x".repeat(33_000) + "\"}"),
				400, "32768 bytes");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/messages", "{\"content\": \"hi\", \"urgent\": true}"), 400,
				"unknown field 'urgent'");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/timers", "{\"content\": \"hi\"}"), 400, "exactly one of");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/timers", "{\"after\": \"soon\", \"content\": \"hi\"}"), 400,
				"ISO-8601 duration");
		assertProblem(api.post(tenant, "/internal/v1/agents/taken/timers",
				"{\"after\": \"PT1M\", \"every\": \"PT1S\", \"content\": \"hi\"}"), 400, "every must be between");
		assertProblem(api.post(tenant, "/internal/v1/agents/nobody/timers", "{\"after\": \"PT1M\", \"content\": \"hi\"}"), 404,
				"nobody");
		assertProblem(api.delete(tenant, "/internal/v1/agents/taken/timers/" + UUID.randomUUID()), 404, "timer");
		assertThat(jdbc.queryForObject("select count(*) from timers where tenant = ?", Integer.class, tenant)).isZero();
		assertThat(jdbc.queryForObject("select count(*) from colony_outbox where tenant = ?", Integer.class, tenant)).isZero();
	}

	@Test
	void messagesToOneAgentAreAnsweredInSendOrderWhileManyAgentsRunAtOnce() throws Exception {
		int agents = 40;
		int messages = 12;
		StringBuilder bulk = new StringBuilder("{\"agents\": [");
		for (int a = 0; a < agents; a++) {
			bulk.append(a == 0 ? "" : ",").append("{\"id\": \"agent-").append(a).append("\", \"type\": \"assistant\"}");
		}
		assertThat(api.post(tenant, "/internal/v1/agents/bulk", bulk.append("]}").toString()).status()).isEqualTo(201);

		Map<String, List<String>> sent = new java.util.concurrent.ConcurrentHashMap<>();
		try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> all = new ArrayList<>();
			for (int a = 0; a < agents; a++) {
				String agent = "agent-" + a;
				all.add(senders.submit(() -> {
					List<String> ids = new ArrayList<>();
					for (int m = 1; m <= messages; m++) {
						ids.add(api.message(tenant, agent, agent + " message " + m));
					}
					sent.put(agent, ids);
				}));
			}
			for (Future<?> future : all) {
				future.get();
			}
		}

		Await.until(WAIT, "every message answered", () -> replies.all(tenant).size() >= agents * messages);
		List<ResidentReplied> all = replies.all(tenant);
		assertThat(all).hasSize(agents * messages);
		for (int a = 0; a < agents; a++) {
			String agent = "agent-" + a;
			List<ResidentReplied> answered = all.stream().filter(reply -> reply.agentId().value().equals(agent)).toList();
			assertThat(answered).extracting(reply -> reply.inReplyTo().toString()).containsExactlyElementsOf(sent.get(agent));
			assertThat(answered).extracting(ResidentReplied::sequence)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, messages).boxed().toList());
			for (int m = 1; m <= messages; m++) {
				assertThat(answered.get(m - 1).reply()).startsWith("Reply #" + m + " to \"" + agent + " message " + m + "\"");
			}
		}
		// the replies of different agents interleave: agents were served at once, not one after another
		List<String> order = all.stream().map(reply -> reply.agentId().value()).toList();
		assertThat(order.subList(0, agents).stream().distinct().count()).isGreaterThan(1);
		assertThat(jdbc.queryForObject("select sum(processed) from agents where tenant = ?", Long.class, tenant))
			.isEqualTo((long) agents * messages);
	}

	@Test
	void aPassivatedAgentIsReactivatedFromPostgresWithItsMemory() {
		api.post(tenant, "/internal/v1/agents",
				"{\"id\": \"runner\", \"type\": \"coach\", \"memory\": {\"facts\": {\"goal\": \"run 10k\"}}}");
		api.message(tenant, "runner", "I ran 5k today");
		Await.until(WAIT, "first reply", () -> replies.of(tenant, "runner").size() == 1);
		assertThat(replies.of(tenant, "runner").getFirst().reply())
			.isEqualTo("Reply #1 to \"I ran 5k today\" (remembering: goal=run 10k)");
		Await.until(WAIT, "agent active", () -> runtime.isActive(TenantId.of(tenant), ResidentId.of("runner")));
		long activations = runtime.activationTimer().count();

		Await.until(WAIT, "agent passivated", () -> {
			runtime.passivateAll();
			return !runtime.isActive(TenantId.of(tenant), ResidentId.of("runner"));
		});
		api.message(tenant, "runner", "what did I say?");

		Await.until(WAIT, "second reply", () -> replies.of(tenant, "runner").size() == 2);
		assertThat(replies.of(tenant, "runner").get(1).reply())
			.isEqualTo("Reply #2 to \"what did I say?\" (remembering: goal=run 10k; last: \"I ran 5k today\")");
		assertThat(runtime.activationTimer().count()).isGreaterThan(activations);
		assertThat(api.get(tenant, "/internal/v1/agents/runner").body().path("messages").asLong()).isEqualTo(2);
	}

	@Test
	void anIdleAgentIsPassivatedAfterTheIdleTimeout() {
		api.post(tenant, "/internal/v1/agents", "{\"id\": \"sleepy\", \"type\": \"assistant\"}");
		api.message(tenant, "sleepy", "hello");
		Await.until(WAIT, "reply", () -> replies.of(tenant, "sleepy").size() == 1);
		Await.until(WAIT, "passivated after 3 s idle", () -> !runtime.isActive(TenantId.of(tenant), ResidentId.of("sleepy")));
	}

	@Test
	void memoryIsSummarisedWhenItOutgrowsTheContextBudget() {
		api.post(tenant, "/internal/v1/agents", "{\"id\": \"chatty\", \"type\": \"tiny\", \"memory\": {\"facts\": {\"pet\": \"cat\"}}}");
		for (int m = 1; m <= 4; m++) {
			api.message(tenant, "chatty", "story number " + m + " is about a long walk in the park with the cat");
		}
		Await.until(WAIT, "four replies", () -> replies.of(tenant, "chatty").size() == 4);

		ResidentHttp.Response view = api.get(tenant, "/internal/v1/agents/chatty");
		String summary = view.body().path("memory").path("summary").asString();
		assertThat(summary).startsWith("Summary:").contains("story number 1");
		assertThat(view.body().path("memory").path("facts").path("pet").asString()).isEqualTo("cat");
		Map<String, Object> row = jdbc.queryForMap("select jsonb_array_length(turns) as turns from agents where tenant = ? and id = ?",
				tenant, "chatty");
		assertThat(((Number) row.get("turns")).intValue()).isLessThan(4);
		assertThat(replies.of(tenant, "chatty").getLast().reply()).contains("summary: Summary:");
		// the summarising call is counted in the reply's usage
		assertThat(replies.of(tenant, "chatty").stream().anyMatch(reply -> reply.usage().llmCalls() == 2)).isTrue();
	}

	@Test
	void aMessageDeliveredTwiceIsAnsweredOnce() {
		api.post(tenant, "/internal/v1/agents", "{\"id\": \"twice\", \"type\": \"assistant\"}");
		UUID id = UUID.randomUUID();
		ResidentMessageSent message = new ResidentMessageSent(id, ResidentId.of("twice"), TenantId.of(tenant), "once",
				ResidentMessageSent.FROM_USER, Instant.now());
		String routingKey = Destinations.residentShardRoutingKey(Destinations.residentShard(message.agentId(), 4));
		Outgoing outgoing = Outgoing.to(Destinations.RESIDENTS, routingKey, message).withMessageId(id).withTenant(message.tenant());
		publisher.publish(outgoing).join();
		publisher.publish(outgoing).join();
		api.message(tenant, "twice", "after");

		Await.until(WAIT, "the later message answered", () -> replies.of(tenant, "twice").size() >= 2);
		assertThat(replies.of(tenant, "twice")).extracting(ResidentReplied::sequence).containsExactly(1L, 2L);
		assertThat(replies.of(tenant, "twice").getFirst().inReplyTo()).isEqualTo(id);
		assertThat(jdbc.queryForObject("select count(*) from colony_inbox where message_id = ?", Integer.class, id)).isEqualTo(1);
	}

	@Test
	void mailForAnAgentThatDoesNotExistIsDropped() {
		UUID id = UUID.randomUUID();
		ResidentMessageSent message = new ResidentMessageSent(id, ResidentId.of("ghost"), TenantId.of(tenant), "boo",
				ResidentMessageSent.FROM_USER, Instant.now());
		String routingKey = Destinations.residentShardRoutingKey(Destinations.residentShard(message.agentId(), 4));
		double before = runtime.outcomes().getOrDefault("unknown-agent", 0.0);
		publisher.publish(Outgoing.to(Destinations.RESIDENTS, routingKey, message).withMessageId(id).withTenant(message.tenant()))
			.join();

		Await.until(WAIT, "mail dropped", () -> runtime.outcomes().getOrDefault("unknown-agent", 0.0) > before);
		assertThat(replies.all(tenant)).isEmpty();
		assertThat(runtime.isActive(TenantId.of(tenant), ResidentId.of("ghost"))).isFalse();
	}

	@Test
	void aTimerSendsItsMessageOnceAndACoachGetsADailyCheckIn() {
		api.post(tenant, "/internal/v1/agents", "{\"id\": \"reminded\", \"type\": \"assistant\"}");
		ResidentHttp.Response timer = api.post(tenant, "/internal/v1/agents/reminded/timers",
				"{\"after\": \"PT0.5S\", \"content\": \"drink water\"}");
		assertThat(timer.status()).isEqualTo(201);
		assertThat(timer.body().path("timerId").asString()).isNotBlank();

		Await.until(WAIT, "timer fired and answered", () -> replies.of(tenant, "reminded").size() == 1);
		assertThat(replies.of(tenant, "reminded").getFirst().reply()).startsWith("Reply #1 to \"drink water\"");
		assertThat(api.get(tenant, "/internal/v1/agents/reminded/timers").body().path("items").size()).isZero();

		ResidentHttp.Response coach = api.post(tenant, "/internal/v1/agents",
				"{\"id\": \"coached\", \"type\": \"coach\", \"memory\": {\"facts\": {\"goal\": \"sleep more\", \"check-in\": \"07:30\"}}}");
		assertThat(coach.status()).isEqualTo(201);
		ResidentHttp.Response timers = api.get(tenant, "/internal/v1/agents/coached/timers");
		assertThat(timers.body().path("items").size()).isEqualTo(1);
		assertThat(timers.body().path("items").path(0).path("content").asString()).isEqualTo("Daily check-in");
		assertThat(timers.body().path("items").path(0).path("every").asString()).isEqualTo("PT24H");
		assertThat(timers.body().path("items").path(0).path("fireAt").asString()).contains("T07:30:00");
		String timerId = timers.body().path("items").path(0).path("timerId").asString();
		assertThat(api.get(tenant, "/internal/v1/agents/coached").body().path("timers").asInt()).isEqualTo(1);
		assertThat(api.delete(tenant, "/internal/v1/agents/coached/timers/" + timerId).status()).isEqualTo(204);
		assertThat(api.get(tenant, "/internal/v1/agents/coached").body().path("timers").asInt()).isZero();
	}

	@Test
	void reactivationIsMeasuredAndTheStatsExposeIt() {
		int agents = 2000;
		StringBuilder bulk = new StringBuilder("{\"agents\": [");
		for (int a = 0; a < agents; a++) {
			bulk.append(a == 0 ? "" : ",")
				.append("{\"id\": \"m-").append(a).append("\", \"type\": \"assistant\", \"memory\": {\"facts\": {\"name\": \"user ")
				.append(a).append("\"}}}");
		}
		assertThat(api.post(tenant, "/internal/v1/agents/bulk", bulk.append("]}").toString()).status()).isEqualTo(201);
		runtime.passivateAll();
		long before = runtime.activationTimer().count();
		for (int a = 0; a < agents; a++) {
			api.message(tenant, "m-" + a, "hi");
		}
		Await.until(WAIT, "every agent answered", () -> replies.all(tenant).size() == agents);
		assertThat(runtime.activationTimer().count() - before).isGreaterThanOrEqualTo(agents);

		ResidentHttp.Response stats = api.get(null, "/internal/v1/residents/stats?gc=true");
		assertThat(stats.status()).isEqualTo(200);
		assertThat(stats.body().path("active").asInt()).isPositive();
		assertThat(stats.body().path("bytesPerActiveAgent").isNumber()).isTrue();
		assertThat(stats.body().path("activation").path("p99Ms").isNumber()).isTrue();
		assertThat(stats.body().path("messages").path("replied").asDouble()).isGreaterThanOrEqualTo(agents);
		// each agent in memory holds its memory: at least its fact and its one turn
		assertThat(stats.body().path("memoryBytes").asLong())
			.isGreaterThan((long) stats.body().path("active").asInt() * "{\"name\":\"user 0\"}".length());
		// activations read through their own pool, not the one turns commit on
		assertThat(meters.get("hikaricp.connections.usage").tag("pool", "residents-activation").timer().count())
			.isGreaterThanOrEqualTo(agents);
		System.out.println("RESIDENT-STATS: " + stats.body());
		ResidentHttp.Response passivated = api.post(null, "/internal/v1/residents/passivations", null);
		assertThat(passivated.body().path("passivated").asInt()).isPositive();
		assertThat(runtime.activeCount()).isLessThan(agents);
	}

	private static void assertProblem(ResidentHttp.Response response, int status, String detail) {
		assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(status);
		assertThat(response.body().path("detail").asString()).contains(detail);
		assertThat(response.body().path("type").asString()).startsWith("urn:colony:problem:");
	}
}
