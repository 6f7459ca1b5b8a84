package io.colony.orchestrator.job;

import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.CommandClient;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The concurrent-job quota against the real PostgreSQL and RabbitMQ: every tenant may have 5 jobs open, tenant
 * {@code vip} 8. Submissions race from many threads at once, the way commands from several gateways reach several
 * orchestrator instances (each its own transaction on its own connection), and through the broker.
 */
@ExtendWith(ActiveJobQuotaIntegrationTests.DropEnvironmentAfterContext.class)
@SpringBootTest(properties = { "colony.orchestrator.tenant-quotas.max-active-jobs=5",
		"colony.orchestrator.tenant-quotas.tenants.vip.max-active-jobs=8", "colony.outbox.poll-interval=PT0.1S" })
@DirtiesContext
class ActiveJobQuotaIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final HttpServer registry = everyTypeServed();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
		properties.add("colony.orchestrator.registry-url",
				() -> "http://127.0.0.1:" + registry.getAddress().getPort());
	}

	/** Drops the vhost and the database after Spring closed the context (see {@code OrchestratorIntegrationTests}). */
	static final class DropEnvironmentAfterContext implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext context) {
			registry.stop(0);
			env.close();
		}
	}

	@Autowired
	JobSubmissions submissions;

	@Autowired
	CommandClient commands;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void parallelSubmissionsOfOneTenantNeverExceedItsQuotaAndTheRefusedLeaveNoTrace() throws Exception {
		TenantId crowd = freshTenant("crowd");
		List<SubmitJob> sent = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sent.add(submit(crowd, null));
		}

		List<CommandReply> replies = raceDirectly(sent);

		assertThat(replies).filteredOn(JobSubmitted.class::isInstance).hasSize(5)
			.allSatisfy(reply -> assertThat(((JobSubmitted) reply).replayed()).isFalse());
		assertThat(replies).filteredOn(CommandRejected.class::isInstance).hasSize(15)
			.allSatisfy(reply -> assertThat((CommandRejected) reply).satisfies(rejected -> {
				assertThat(rejected.problem()).isEqualTo("too-many-active-jobs");
				assertThat(rejected.status()).isEqualTo(429);
				assertThat(rejected.detail()).isEqualTo("tenant '" + crowd + "' has 5 jobs accepted or running, "
						+ "its limit is 5; submit again once one of them has ended");
			}));
		assertThat(activeJobs(crowd)).isEqualTo(5);
		for (int i = 0; i < sent.size(); i++) {
			if (replies.get(i) instanceof CommandRejected) {
				assertNothingStoredOrPublishedFor(sent.get(i).jobId());
			}
		}

		TenantId neighbour = freshTenant("neighbour");
		List<CommandReply> others = raceDirectly(List.of(submit(neighbour, null), submit(neighbour, null),
				submit(neighbour, null), submit(neighbour, null), submit(neighbour, null)));
		assertThat(others).as("another tenant is not affected").allSatisfy(reply -> assertThat(reply)
			.isInstanceOf(JobSubmitted.class));
	}

	@Test
	void theQuotaHoldsForCommandsArrivingThroughTheBrokerAtOnce() throws Exception {
		TenantId busy = freshTenant("busy");
		List<CompletableFuture<CommandReply>> pending = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			pending.add(commands.send(Destinations.JOB_SUBMIT, submit(busy, null)));
		}

		List<CommandReply> replies = new ArrayList<>();
		for (CompletableFuture<CommandReply> reply : pending) {
			replies.add(reply.get(WAIT.toSeconds(), TimeUnit.SECONDS));
		}

		assertThat(replies).filteredOn(JobSubmitted.class::isInstance).hasSize(5);
		assertThat(replies).filteredOn(CommandRejected.class::isInstance).hasSize(7);
		assertThat(activeJobs(busy)).isEqualTo(5);
	}

	@Test
	void aSlotFreesWhenOneOfTheTenantsJobsIsCancelledOrEnds() throws Exception {
		TenantId tenant = freshTenant("steady");
		List<JobId> open = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			open.add(((JobSubmitted) send(Destinations.JOB_SUBMIT, submit(tenant, null))).jobId());
		}
		assertThat(send(Destinations.JOB_SUBMIT, submit(tenant, null))).isInstanceOf(CommandRejected.class);

		assertThat(send(Destinations.JOB_CANCEL, new CancelJob(open.getFirst(), tenant, "make room")))
			.isInstanceOf(JobCancellationAccepted.class);
		assertThat(send(Destinations.JOB_SUBMIT, submit(tenant, null))).isInstanceOf(JobSubmitted.class);
		assertThat(send(Destinations.JOB_SUBMIT, submit(tenant, null))).as("full again")
			.isInstanceOf(CommandRejected.class);

		JobId ending = open.get(1);
		publisher.publish(Outgoing.to(Destinations.EVENTS, Destinations.JOB_COMPLETED,
				new JobCompleted(ending, tenant, JobStatus.SUCCEEDED, TaskCounts.of(1, 1, 0), Usage.NONE,
						new JobResult(ReduceStrategy.COLLECT, 1, null), Instant.now()))
			.withTenant(tenant)).get(10, TimeUnit.SECONDS);
		Await.until(WAIT, "job " + ending + " recorded as ended", () -> "SUCCEEDED".equals(
				jdbc.queryForObject("select status from jobs where job_id = ?", String.class, ending.value())));
		assertThat(send(Destinations.JOB_SUBMIT, submit(tenant, null))).isInstanceOf(JobSubmitted.class);
		assertThat(activeJobs(tenant)).isEqualTo(5);
	}

	@Test
	void aTenantsOwnQuotaReplacesTheDefault() throws Exception {
		for (int i = 0; i < 8; i++) {
			assertThat(send(Destinations.JOB_SUBMIT, submit(TenantId.of("vip"), null))).as("vip job %d", i + 1)
				.isInstanceOf(JobSubmitted.class);
		}

		assertThat(send(Destinations.JOB_SUBMIT, submit(TenantId.of("vip"), null)))
			.isInstanceOfSatisfying(CommandRejected.class,
					rejected -> assertThat(rejected.detail()).contains("its limit is 8"));
	}

	@Test
	void aRepeatedSubmissionIsAnsweredWithItsJobEvenWhenTheTenantIsFull() throws Exception {
		TenantId tenant = freshTenant("retrying");
		List<SubmitJob> firsts = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			SubmitJob first = submit(tenant, "key-" + i);
			firsts.add(first);
			assertThat(send(Destinations.JOB_SUBMIT, first)).isInstanceOf(JobSubmitted.class);
		}
		SubmitJob original = firsts.get(2);

		// the client retried with its key (a new job id), and the broker redelivered the original command
		SubmitJob retried = new SubmitJob(JobId.random(), tenant, original.idempotencyKey(), original.requestDigest(),
				original.spec(), Instant.now());
		assertThat(send(Destinations.JOB_SUBMIT, retried))
			.isEqualTo(new JobSubmitted(original.jobId(), JobStatus.ACCEPTED, true));
		assertThat(send(Destinations.JOB_SUBMIT, original))
			.isEqualTo(new JobSubmitted(original.jobId(), JobStatus.ACCEPTED, true));
		assertThat(send(Destinations.JOB_SUBMIT, submit(tenant, "key-new"))).isInstanceOf(CommandRejected.class);
	}

	/** Calls the submission handler from one thread per command, all let go at once. */
	private List<CommandReply> raceDirectly(List<SubmitJob> sent) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(sent.size());
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<CommandReply>> futures = new ArrayList<>();
			for (SubmitJob command : sent) {
				futures.add(threads.submit(() -> {
					start.await();
					return submissions.submit(command);
				}));
			}
			start.countDown();
			List<CommandReply> replies = new ArrayList<>();
			for (Future<CommandReply> future : futures) {
				replies.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}
			return replies;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private CommandReply send(String routingKey, ColonyCommand command) throws Exception {
		return commands.send(routingKey, command).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private long activeJobs(TenantId tenant) {
		return jdbc.queryForObject("select count(*) from jobs where tenant = ? and status in ('ACCEPTED', 'RUNNING')",
				Long.class, tenant.value());
	}

	private void assertNothingStoredOrPublishedFor(JobId jobId) {
		assertThat(jdbc.queryForObject("select count(*) from jobs where job_id = ?", Integer.class, jobId.value()))
			.isZero();
		assertThat(jdbc.queryForObject("select count(*) from tasks where job_id = ?", Integer.class, jobId.value()))
			.isZero();
		assertThat(jdbc.queryForObject("select count(*) from colony_outbox where convert_from(payload, 'UTF8') like ?",
				Integer.class, "%" + jobId + "%")).isZero();
	}

	private static SubmitJob submit(TenantId tenant, String key) {
		List<JobInput> inputs = List.of(new JobInput("in-0", "content"), new JobInput("in-1", "more content"));
		return new SubmitJob(JobId.random(), tenant, key, "digest-" + key,
				new ScatterGather("summarizer", "summarise", inputs, null, null, null), Instant.now());
	}

	private static TenantId freshTenant(String prefix) {
		return TenantId.of(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
	}

	/** A registry that lists one live agent, with room, for whatever type it is asked about. */
	private static HttpServer everyTypeServed() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/api/v1/registry/agents", exchange -> {
				String query = exchange.getRequestURI().getRawQuery();
				String type = query == null || !query.startsWith("type=") ? ""
						: URLDecoder.decode(query.substring(5).split("&")[0], StandardCharsets.UTF_8);
				Instant now = Instant.now();
				byte[] body = """
						{"agents":[{"agentId":"agent-1","instance":"host:1","agentTypes":[{"name":"%s","capability":"%s",
						"model":"sim"}],"capacity":100,"inFlight":0,"version":"test","registeredAt":"%s","lastSeen":"%s",
						"expiresAt":"%s"}]}
						""".formatted(type, type + "-cap", now, now, now.plusSeconds(30)).getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
