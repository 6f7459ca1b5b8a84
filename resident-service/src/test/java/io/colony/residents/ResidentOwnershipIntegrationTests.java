package io.colony.residents;

import io.colony.contracts.ResidentReplied;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.residents.runtime.ResidentRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several resident-service instances (Spring contexts in this JVM, each with its own broker connections and pool)
 * on the same queues and database: shard ownership moving when an instance leaves mid-stream, and timers surviving a
 * restart.
 */
class ResidentOwnershipIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final Duration WAIT = Duration.ofSeconds(90);

	final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@AfterEach
	void stopInstances() {
		instances.forEach(ConfigurableApplicationContext::close);
	}

	@AfterAll
	static void cleanUp() {
		env.close();
	}

	ConfigurableApplicationContext start(String name) {
		Map<String, Object> properties = new LinkedHashMap<>(env.properties());
		properties.put("server.port", "0");
		properties.put("COLONY_LOG_FORMAT", "text");
		properties.put("spring.application.name", name);
		properties.put("colony.residents.shards", "4");
		properties.put("colony.residents.llm.latency", "PT0.1S");
		properties.put("colony.residents.timers.poll-interval", "PT0.2S");
		properties.put("spring.jmx.enabled", "false");
		// as arguments: they must win over application.yml (builder properties are only defaults)
		String[] arguments = properties.entrySet()
			.stream()
			.map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ResidentApplication.class).run(arguments);
		instances.add(context);
		return context;
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@Test
	void whenAnInstanceLeavesMidStreamAnotherTakesItsShardsAndEveryMessageIsAnsweredExactlyOnce() throws Exception {
		handOver(ConfigurableApplicationContext::close);
	}

	/**
	 * The active instance loses its broker connection at once (as when its process dies or its network goes): its
	 * consumers are gone without a shutdown, the broker gives its shards to the other instance, and the first one keeps
	 * running the turns it had started (its commits then compete with the successor's through the inbox and the
	 * processed count).
	 */
	@Test
	void whenTheActiveInstanceLosesItsBrokerConnectionAnotherTakesOverWithoutLossOrDuplicates() throws Exception {
		handOver(instance -> instance.getBean(org.springframework.amqp.rabbit.connection.CachingConnectionFactory.class)
			.resetConnection());
	}

	private void handOver(java.util.function.Consumer<ConfigurableApplicationContext> leave) throws Exception {
		String tenant = "handover-" + UUID.randomUUID();
		ConfigurableApplicationContext first = start("residents-a");
		ResidentHttp api = new ResidentHttp(port(first));
		int agents = 24;
		int messages = 10;
		StringBuilder bulk = new StringBuilder("{\"agents\": [");
		for (int a = 0; a < agents; a++) {
			bulk.append(a == 0 ? "" : ",").append("{\"id\": \"member-").append(a).append("\", \"type\": \"assistant\"}");
		}
		assertThat(api.post(tenant, "/internal/v1/agents/bulk", bulk.append("]}").toString()).status()).isEqualTo(201);
		ConfigurableApplicationContext second = start("residents-b");
		Replies replies = new Replies(second.getBean(JdbcTemplate.class), second.getBean(MessageCodec.class));
		ResidentRuntime successor = second.getBean(ResidentRuntime.class);

		Map<String, List<String>> sent = new java.util.concurrent.ConcurrentHashMap<>();
		try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> all = new ArrayList<>();
			for (int a = 0; a < agents; a++) {
				String agent = "member-" + a;
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
		// mid-stream: some answered, most still queued or being processed by the first instance
		Await.until(WAIT, "first replies", () -> replies.all(tenant).size() >= agents);
		int answeredBeforeLeaving = replies.all(tenant).size();
		leave.accept(first);

		Await.until(WAIT, "every message answered", () -> replies.all(tenant).size() >= agents * messages);
		List<ResidentReplied> all = replies.all(tenant);
		assertThat(answeredBeforeLeaving).isLessThan(agents * messages);
		assertThat(all).hasSize(agents * messages);
		Map<java.util.UUID, Long> perMessage = all.stream()
			.collect(Collectors.groupingBy(ResidentReplied::inReplyTo, Collectors.counting()));
		assertThat(perMessage).hasSize(agents * messages).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
		for (int a = 0; a < agents; a++) {
			String agent = "member-" + a;
			List<ResidentReplied> answered = all.stream().filter(reply -> reply.agentId().value().equals(agent)).toList();
			assertThat(answered).extracting(reply -> reply.inReplyTo().toString()).containsExactlyElementsOf(sent.get(agent));
			assertThat(answered).extracting(ResidentReplied::sequence)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, messages).boxed().toList());
		}
		JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
		assertThat(jdbc.queryForObject("select sum(processed) from agents where tenant = ?", Long.class, tenant))
			.isEqualTo((long) agents * messages);
		assertThat(jdbc.queryForObject("""
				select count(*) from colony_inbox where consumer = 'residents.mailbox' and message_id = any(?::uuid[])
				""", Integer.class, (Object) sent.values().stream().flatMap(List::stream).toArray(String[]::new)))
			.isEqualTo(agents * messages);
		assertThat(successor.outcomes().getOrDefault("replied", 0.0)).as("the successor answered the rest").isPositive();
	}

	@Test
	void aTimerDueWhileNoInstanceRunsFiresOnceAfterTheRestart() {
		String tenant = "timers-" + UUID.randomUUID();
		ConfigurableApplicationContext before = start("residents-before");
		ResidentHttp api = new ResidentHttp(port(before));
		assertThat(api.post(tenant, "/internal/v1/agents",
				"{\"id\": \"sleeper\", \"type\": \"assistant\", \"memory\": {\"facts\": {\"name\": \"Bo\"}}}").status())
			.isEqualTo(201);
		ResidentHttp.Response timer = api.post(tenant, "/internal/v1/agents/sleeper/timers",
				"{\"after\": \"PT3S\", \"content\": \"wake up\"}");
		assertThat(timer.status()).isEqualTo(201);
		Instant fireAt = Instant.parse(timer.body().path("fireAt").asString());
		before.close();
		instances.remove(before);

		Await.until(WAIT, "the timer's time passed with no instance running",
				() -> Instant.now().isAfter(fireAt.plusSeconds(1)));

		ConfigurableApplicationContext after = start("residents-after");
		Replies replies = new Replies(after.getBean(JdbcTemplate.class), after.getBean(MessageCodec.class));
		Await.until(WAIT, "the timer's reply", () -> replies.of(tenant, "sleeper").size() == 1);
		ResidentReplied reply = replies.of(tenant, "sleeper").getFirst();
		assertThat(reply.reply()).isEqualTo("Reply #1 to \"wake up\" (remembering: name=Bo)");
		JdbcTemplate afterJdbc = after.getBean(JdbcTemplate.class);
		assertThat(afterJdbc.queryForObject("select count(*) from timers where tenant = ?", Integer.class, tenant)).isZero();
		// fired once: one message in the outbox for it, one reply
		Function<String, Integer> mailCount = t -> afterJdbc.queryForObject(
				"select count(*) from colony_outbox where tenant = ? and message_type = 'ResidentMessageSent'", Integer.class, t);
		assertThat(mailCount.apply(tenant)).isEqualTo(1);
		assertThat(replies.of(tenant, "sleeper")).hasSize(1);
	}
}
