package io.colony.orchestrator;

import io.colony.contracts.AgentId;
import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.JobView;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Priority;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskBudget;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskMessage;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownCommand;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.CommandClient;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orchestrator against the real RabbitMQ and PostgreSQL, driven the way the gateway and the other
 * services drive it: commands through the platform's {@link CommandClient}, results and job events
 * published to their exchanges, tasks and events read from the queues they land in.
 */
@ExtendWith(OrchestratorIntegrationTests.DropEnvironmentAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "colony.orchestrator.retry-backoff=PT0.2S", "colony.orchestrator.deadline-sweep=PT0.2S",
				"colony.outbox.poll-interval=PT0.1S", "colony.orchestrator.held-job-poll=PT0.2S", "colony.orchestrator.tenant-budgets.thrifty.max-cost-usd=0.05" })
@DirtiesContext
class OrchestratorIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(OrchestratorIntegrationTests.class);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String EVENTS_QUEUE = "test.job-events";

	private static final TenantId ACME = TenantId.of("acme");

	private static final TenantId OTHER = TenantId.of("globex");

	/** Has a tenant budget of $0.05 (see the test's properties). */
	private static final TenantId THRIFTY = TenantId.of("thrifty");

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final StubRegistry registry = StubRegistry.start();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
		properties.add("colony.orchestrator.registry-url", registry::url);
	}

	/**
	 * Drops the vhost and the database after Spring closed the context ({@link DirtiesContext}): registered
	 * before the Spring extension, its callback runs after Spring's, so the service never sits connected to
	 * a dropped database or vhost while it shuts down.
	 */
	static final class DropEnvironmentAfterContext implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext context) {
			registry.close();
			env.close();
		}
	}

	private static final List<JobEvent> events = new CopyOnWriteArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	CommandClient commands;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	MessageCodec codec;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	JdbcTemplate jdbc;

	@LocalServerPort
	int port;

	@BeforeEach
	void listenToJobEvents() {
		admin.declareQueue(new Queue(EVENTS_QUEUE, true, false, false));
		admin.declareBinding(new Binding(EVENTS_QUEUE, Binding.DestinationType.QUEUE, Destinations.EVENTS, "job.#", null));
	}

	@Test
	void acceptsAJobStoresItAndDispatchesOneTaskPerInput() throws Exception {
		String agent = agentType("summarizer");
		String capability = StubRegistry.capabilityOf(agent);
		SubmitJob command = submit(agent, null, Priority.HIGH, null, inputs(3));

		CommandReply reply = send(Destinations.JOB_SUBMIT, command);

		assertThat(reply).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));
		Map<String, Object> job = jdbc.queryForMap("select * from jobs where job_id = ?", command.jobId().value());
		assertThat(job).containsEntry("tenant", "acme")
			.containsEntry("capability", capability)
			.containsEntry("status", "ACCEPTED")
			.containsEntry("max_attempts", 3)
			.containsEntry("total_tasks", 3)
			.containsEntry("request_digest", command.requestDigest());
		Instant acceptedAt = ((java.sql.Timestamp) job.get("accepted_at")).toInstant();
		assertThat(((java.sql.Timestamp) job.get("deadline")).toInstant()).isEqualTo(acceptedAt.plus(Duration.ofHours(1)));
		assertThat(taskCount(command.jobId())).isEqualTo(3);

		// a high-priority job's tasks go to the capability's high queue, never behind normal work
		List<Message> messages = receive(Destinations.highPriorityAgentQueue(capability), 3);
		List<TaskAssigned> tasks = messages.stream().map(this::taskOf).toList();
		assertThat(tasks).extracting(task -> task.input().id()).containsExactlyInAnyOrder("in-0", "in-1", "in-2");
		assertThat(tasks).allSatisfy(task -> {
			assertThat(task.jobId()).isEqualTo(command.jobId());
			assertThat(task.attempt()).isEqualTo(1);
			assertThat(task.maxAttempts()).isEqualTo(3);
			assertThat(task.capability()).isEqualTo(capability);
			assertThat(task.agentType()).isEqualTo(agent);
			assertThat(task.deadline()).isEqualTo(acceptedAt.plus(Duration.ofHours(1)));
		});
		assertThat(tasks).extracting(TaskAssigned::taskId).doesNotHaveDuplicates();
		assertThat(messages).allSatisfy(message -> {
			assertThat(message.getMessageProperties().getPriority()).isEqualTo(Priority.HIGH.amqpPriority());
			assertThat(message.getMessageProperties().getHeaders()).containsEntry(Headers.TENANT, "acme");
		});

		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId());
		assertThat(accepted.totalTasks()).isEqualTo(3);
		assertThat(accepted.agent()).isEqualTo(agent);
		assertThat(accepted.reduce()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(accepted.deadline()).isEqualTo(acceptedAt.plus(Duration.ofHours(1)));
	}

	@Test
	void concurrentSubmissionsWithOneIdempotencyKeyCreateOneJob() throws Exception {
		String agent = agentType("summarizer");
		String key = "key-" + UUID.randomUUID();
		List<JobInput> inputs = inputs(4);
		List<CompletableFuture<CommandReply>> replies = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			replies.add(commands.send(Destinations.JOB_SUBMIT, submit(agent, key, null, null, inputs)));
		}

		List<JobSubmitted> submitted = new ArrayList<>();
		for (CompletableFuture<CommandReply> reply : replies) {
			assertThat(reply.get(30, TimeUnit.SECONDS)).isInstanceOf(JobSubmitted.class);
			submitted.add((JobSubmitted) reply.get());
		}
		assertThat(submitted).extracting(JobSubmitted::jobId).containsOnly(submitted.getFirst().jobId());
		assertThat(submitted).filteredOn(reply -> !reply.replayed()).hasSize(1);
		JobId winner = submitted.getFirst().jobId();
		assertThat(jdbc.queryForObject("select count(*) from jobs where tenant = 'acme' and idempotency_key = ?",
				Integer.class, key)).isEqualTo(1);
		assertThat(taskCount(winner)).isEqualTo(4);

		SubmitJob otherBody = new SubmitJob(JobId.random(), ACME, key, "another-digest",
				new ScatterGather(agent, "summarise", inputs, null, null, null), Instant.now());
		assertThat(send(Destinations.JOB_SUBMIT, otherBody)).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("idempotency-key-reuse");
			assertThat(rejected.status()).isEqualTo(422);
		});

		SubmitJob sameKeyOtherTenant = new SubmitJob(JobId.random(), OTHER, key, "digest",
				new ScatterGather(agent, "summarise", inputs, null, null, null), Instant.now());
		assertThat(send(Destinations.JOB_SUBMIT, sameKeyOtherTenant)).isInstanceOfSatisfying(JobSubmitted.class,
				reply -> assertThat(reply.replayed()).isFalse());
		assertThat(jdbc.queryForObject("select count(*) from jobs where idempotency_key = ?", Integer.class, key))
			.isEqualTo(2);
	}

	@Test
	void answersARedeliveredSubmissionWithTheJobItCreated() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, null, inputs(2));
		assertThat(send(Destinations.JOB_SUBMIT, command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));

		assertThat(send(Destinations.JOB_SUBMIT, command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, true));
		assertThat(taskCount(command.jobId())).isEqualTo(2);
		assertThat(outboxRows("TaskAssigned", "jobId", command.jobId().toString())).isEqualTo(2);
	}

	@Test
	void rejectsAJobNoLiveAgentServesAndStoresNothing() throws Exception {
		SubmitJob command = submit(agentType("ghost"), null, null, null, inputs(2));

		CommandReply reply = send(Destinations.JOB_SUBMIT, command);

		assertThat(reply).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("no-live-agent");
			assertThat(rejected.status()).isEqualTo(422);
			assertThat(rejected.detail()).contains(command.spec().agent());
		});
		assertThat(jdbc.queryForObject("select count(*) from jobs where job_id = ?", Integer.class,
				command.jobId().value())).isZero();
		assertThat(jdbc.queryForObject("select count(*) from colony_outbox where convert_from(payload, 'UTF8') like ?",
				Integer.class, "%" + command.jobId() + "%")).isZero();

		SubmitJob explicit = submitWhenNoAgent(agentType("ghost"), NoAgentPolicy.REJECT, null, inputs(2));
		assertThat(send(Destinations.JOB_SUBMIT, explicit)).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("no-live-agent");
			assertThat(rejected.status()).isEqualTo(422);
		});
		assertNothingStoredOrPublishedFor(explicit.jobId());
	}

	// ---- held jobs and pools ----------------------------------------------------------------------------

	@Test
	void holdsAJobNoLiveAgentServesAndDispatchesItsTasksOnceAnAgentAppears() throws Exception {
		String agent = agentType("ghost");
		SubmitJob command = submitWhenNoAgent(agent, NoAgentPolicy.HOLD, null, inputs(3));

		assertThat(send(Destinations.JOB_SUBMIT, command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));

		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId());
		assertThat(accepted.totalTasks()).isEqualTo(3);
		assertThat(taskCount(command.jobId())).isEqualTo(3);
		int asked = registry.queries(agent);
		Await.until(WAIT, "the held-jobs poller to ask the registry about " + agent,
				() -> registry.queries(agent) >= asked + 2);
		assertThat(outboxRows("TaskAssigned", "jobId", command.jobId().toString())).as("held: nothing dispatched").isZero();
		JobView held = view(command.jobId(), ACME);
		assertThat(held.status()).isEqualTo(JobStatus.ACCEPTED);
		assertThat(held.result()).isEqualTo(new JobResult(ReduceStrategy.COLLECT, 0, "waiting for an agent serving " + agent));
		assertThat(send(Destinations.JOB_SUBMIT, command)).as("a redelivery answers with the held job")
			.isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, true));

		String capability = agent + "-pool";
		registry.serve(agent, new StubRegistry.Agent(capability, 10, 0));
		awaitDispatched(command.jobId());

		List<TaskAssigned> tasks = receive(Destinations.agentQueue(capability), 3).stream().map(this::taskOf).toList();
		assertThat(tasks).extracting(task -> task.input().id()).containsExactlyInAnyOrder("in-0", "in-1", "in-2");
		assertThat(tasks).allSatisfy(task -> {
			assertThat(task.jobId()).isEqualTo(command.jobId());
			assertThat(task.attempt()).isEqualTo(1);
			assertThat(task.capability()).isEqualTo(capability);
			assertThat(task.agentType()).isEqualTo(agent);
			assertThat(task.deadline()).isEqualTo(accepted.deadline());
		});
		assertThat(jdbc.queryForMap("select capability, held_since from jobs where job_id = ?", command.jobId().value()))
			.containsEntry("capability", capability)
			.containsEntry("held_since", null);
		JobView dispatched = view(command.jobId(), ACME);
		assertThat(dispatched.status()).isEqualTo(JobStatus.ACCEPTED);
		assertThat(dispatched.result()).isNull();

		awaitTwoHeldJobPolls();
		assertThat(outboxRows("TaskAssigned", "jobId", command.jobId().toString())).as("dispatched once").isEqualTo(3);
		assertThat(messageCount(Destinations.agentQueue(capability))).isZero();
	}

	@Test
	void aHeldJobPastItsDeadlineEndsTheUsualWayAndIsNeverDispatched() throws Exception {
		String agent = agentType("ghost");
		SubmitJob command = submitWhenNoAgent(agent, NoAgentPolicy.HOLD, new JobLimits(Duration.ofSeconds(1), null),
				inputs(2));
		assertThat(send(Destinations.JOB_SUBMIT, command)).isInstanceOf(JobSubmitted.class);

		JobDeadlineReached reached = awaitEvent(JobDeadlineReached.class, command.jobId());
		assertThat(reached.tenant()).isEqualTo(ACME);
		assertThat(status(command.jobId())).isEqualTo("ACCEPTED");

		// an agent appearing after the deadline, before the aggregator closed the job, gets none of its tasks
		registry.serve(agent, new StubRegistry.Agent(agent + "-pool", 10, 0));
		awaitTwoHeldJobPolls();
		assertThat(outboxRows("TaskAssigned", "jobId", command.jobId().toString())).isZero();

		// the aggregator closes it with nothing done, as for any job past its deadline
		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.FAILED, TaskCounts.of(2, 0, 0), Usage.NONE,
				new JobResult(ReduceStrategy.COLLECT, 0, "deadline passed"), Instant.now(), "deadline passed"));
		JobCancelled cancelled = awaitEvent(JobCancelled.class, command.jobId());
		assertThat(cancelled.reason()).contains("FAILED");
		JobView ended = view(command.jobId(), ACME);
		assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
		assertThat(ended.result()).isEqualTo(new JobResult(ReduceStrategy.COLLECT, 0, "deadline passed"));
		assertThat(outboxRows("TaskAssigned", "jobId", command.jobId().toString())).isZero();
	}

	@Test
	void dispatchesToTheLeastLoadedCapabilityServingTheType() throws Exception {
		String agent = agentType("pooled");
		String busy = agent + "-busy";
		String idle = agent + "-idle";
		// busy: 10 of 20 slots taken (0.5); idle: 2 of 10 (0.2), although it has fewer free slots
		registry.serve(agent, new StubRegistry.Agent(busy, 10, 9), new StubRegistry.Agent(idle, 10, 2),
				new StubRegistry.Agent(busy, 10, 1));
		SubmitJob command = submit(agent, null, null, null, inputs(3));

		assertThat(send(Destinations.JOB_SUBMIT, command)).isInstanceOf(JobSubmitted.class);

		assertThat(receive(Destinations.agentQueue(idle), 3)).extracting(this::taskOf)
			.allSatisfy(task -> assertThat(task.capability()).isEqualTo(idle));
		assertThat(outboxRows("TaskAssigned", "capability", busy)).isZero();
		assertThat(jdbc.queryForObject("select capability from jobs where job_id = ?", String.class,
				command.jobId().value())).isEqualTo(idle);

		// a held job's pool is chosen when it is dispatched, with the loads of then
		String late = agentType("ghost");
		SubmitJob held = submitWhenNoAgent(late, NoAgentPolicy.HOLD, null, inputs(2));
		assertThat(send(Destinations.JOB_SUBMIT, held)).isInstanceOf(JobSubmitted.class);
		registry.serve(late, new StubRegistry.Agent(late + "-a", 4, 3), new StubRegistry.Agent(late + "-b", 4, 1));
		awaitDispatched(held.jobId());
		assertThat(receive(Destinations.agentQueue(late + "-b"), 2)).extracting(this::taskOf)
			.allSatisfy(task -> assertThat(task.jobId()).isEqualTo(held.jobId()));
		assertThat(outboxRows("TaskAssigned", "capability", late + "-a")).isZero();
	}

	@Test
	void rejectsInvalidJobsAndUnknownCommands() throws Exception {
		SubmitJob duplicateIds = submit(agentType("summarizer"), null, null, null,
				List.of(new JobInput("a", "x"), new JobInput("a", "y")));
		assertThat(send(Destinations.JOB_SUBMIT, duplicateIds)).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("invalid-job");
			assertThat(rejected.status()).isEqualTo(400);
			assertThat(rejected.detail()).contains("not unique");
		});
		SubmitJob tooManyAttempts = submit(agentType("summarizer"), null, null, new JobLimits(null, 11), inputs(1));
		assertThat(send(Destinations.JOB_SUBMIT, tooManyAttempts)).isInstanceOfSatisfying(CommandRejected.class,
				rejected -> assertThat(rejected.status()).isEqualTo(400));
		assertThat(jdbc.queryForObject("select count(*) from jobs where job_id in (?, ?)", Integer.class,
				duplicateIds.jobId().value(), tooManyAttempts.jobId().value())).isZero();

		assertThat(send(Destinations.JOB_SUBMIT, new UnknownCommand("ExplodeJob", ACME)))
			.isInstanceOfSatisfying(CommandRejected.class, rejected -> {
				assertThat(rejected.problem()).isEqualTo("unknown-command");
				assertThat(rejected.status()).isEqualTo(400);
			});
	}

	@Test
	void acceptsAJobWhenTheRegistryCannotBeAskedAndQueuesItsTasksUnderTheAgentType() throws Exception {
		String agent = agentType("broken");
		SubmitJob command = submit(agent, null, null, null, inputs(2));

		assertThat(send(Destinations.JOB_SUBMIT, command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));

		assertThat(receive(Destinations.agentQueue(agent), 2)).extracting(this::taskOf)
			.allSatisfy(task -> assertThat(task.capability()).isEqualTo(agent));
	}

	@Test
	void retriesARetryableFailureAndIgnoresSupersededAndFinalOnes() throws Exception {
		String agent = agentType("summarizer");
		String capability = StubRegistry.capabilityOf(agent);
		SubmitJob command = submit(agent, null, null, null, inputs(1));
		send(Destinations.JOB_SUBMIT, command);
		TaskAssigned first = taskOf(receive(Destinations.agentQueue(capability), 1).getFirst());

		publishFailure(first, 1, true);

		TaskAssigned second = taskOf(receive(Destinations.agentQueue(capability), 1).getFirst());
		assertThat(second.taskId()).isEqualTo(first.taskId());
		assertThat(second.attempt()).isEqualTo(2);
		assertThat(second.input()).isEqualTo(first.input());
		assertThat(second.deadline()).isEqualTo(first.deadline());
		assertThat(taskRow(first)).containsEntry("attempt", 2).containsEntry("status", "ASSIGNED");

		UUID late = publishFailure(first, 1, true);
		Await.until(WAIT, "the late failure to be recorded", () -> inboxHas(late));
		assertThat(taskRow(first)).containsEntry("attempt", 2);

		publishFailure(second, 2, false);

		Await.until(WAIT, "the task to fail finally", () -> "FAILED".equals(taskRow(first).get("status")));
		assertThat(outboxRows("TaskAssigned", "taskId", first.taskId().toString())).isEqualTo(2);
		assertThat(messageCount(Destinations.agentQueue(capability))).isZero();
	}

	@Test
	void cancelsAJobOnceAndKeepsItCancelled() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, null, inputs(2));
		send(Destinations.JOB_SUBMIT, command);

		assertThat(send(Destinations.JOB_CANCEL, new CancelJob(command.jobId(), OTHER, "not mine")))
			.isInstanceOfSatisfying(CommandRejected.class, rejected -> {
				assertThat(rejected.problem()).isEqualTo("job-not-found");
				assertThat(rejected.status()).isEqualTo(404);
			});
		assertThat(send(Destinations.JOB_CANCEL, new CancelJob(command.jobId(), ACME, "changed my mind")))
			.isEqualTo(new JobCancellationAccepted(command.jobId(), JobStatus.CANCELLED));

		JobCancelled cancelled = awaitEvent(JobCancelled.class, command.jobId());
		assertThat(cancelled.reason()).isEqualTo("changed my mind");
		assertThat(status(command.jobId())).isEqualTo("CANCELLED");
		assertThat(send(Destinations.JOB_CANCEL, new CancelJob(command.jobId(), ACME, "again")))
			.isEqualTo(new JobCancellationAccepted(command.jobId(), JobStatus.CANCELLED));
		assertThat(outboxRows("JobCancelled", "jobId", command.jobId().toString())).isEqualTo(1);

		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.SUCCEEDED, TaskCounts.of(2, 2, 0), Usage.NONE,
				new JobResult(ReduceStrategy.COLLECT, 2, null), Instant.now()));
		JobView view = Await.untilValue(WAIT, "the completion to be recorded", () -> view(command.jobId(), ACME),
				found -> found != null && found.result() != null);
		assertThat(view.status()).isEqualTo(JobStatus.CANCELLED);
	}

	@Test
	void servesTheJobViewAsTheAggregatorReportsIt() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, null, inputs(4));
		send(Destinations.JOB_SUBMIT, command);

		publishEvent(new JobProgressed(command.jobId(), ACME, TaskCounts.of(4, 1, 1), Instant.now()));
		JobView running = Await.untilValue(WAIT, "progress in the view", () -> view(command.jobId(), ACME),
				found -> found != null && found.status() == JobStatus.RUNNING);
		assertThat(running.tasks()).isEqualTo(new TaskCounts(4, 1, 1, 2));
		assertThat(running.agent()).isEqualTo(command.spec().agent());

		Instant completedAt = Instant.parse("2026-01-01T12:00:00Z");
		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.PARTIAL, TaskCounts.of(4, 3, 1),
				new Usage(100, 50, 4), new JobResult(ReduceStrategy.COLLECT, 3, "1 task failed"), completedAt));
		JobView done = Await.untilValue(WAIT, "completion in the view", () -> view(command.jobId(), ACME),
				found -> found != null && found.status() == JobStatus.PARTIAL);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(4, 3, 1, 0));
		assertThat(done.usage()).isEqualTo(new Usage(100, 50, 4));
		assertThat(done.result()).isEqualTo(new JobResult(ReduceStrategy.COLLECT, 3, "1 task failed"));
		assertThat(done.completedAt()).isEqualTo(completedAt);

		assertThat(send(Destinations.JOB_CANCEL, new CancelJob(command.jobId(), ACME, null)))
			.isInstanceOfSatisfying(CommandRejected.class, rejected -> {
				assertThat(rejected.problem()).isEqualTo("job-already-finished");
				assertThat(rejected.status()).isEqualTo(409);
			});
	}

	@Test
	void answersNotFoundProblemsForOtherTenantsAndUnknownIds() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, null, inputs(1));
		send(Destinations.JOB_SUBMIT, command);

		HttpResponse<String> own = get("/internal/v1/jobs/" + command.jobId(), "acme");
		assertThat(own.statusCode()).isEqualTo(200);
		assertThat(own.body()).contains("\"jobId\":\"" + command.jobId() + "\"").contains("\"status\":\"ACCEPTED\"");

		for (HttpResponse<String> response : List.of(get("/internal/v1/jobs/" + command.jobId(), "globex"),
				get("/internal/v1/jobs/" + UUID.randomUUID(), "acme"), get("/internal/v1/jobs/not-a-uuid", "acme"))) {
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					type -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).contains("\"status\":404").contains("job-not-found");
		}

		HttpResponse<String> anonymous = get("/internal/v1/jobs/" + command.jobId(), null);
		assertThat(anonymous.statusCode()).isEqualTo(400);
		assertThat(anonymous.body()).contains("\"status\":400").contains("X-Colony-Tenant");
	}

	@Test
	void reportsAJobThatRunsPastItsDeadlineOnce() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, new JobLimits(Duration.ofSeconds(1), null),
				inputs(2));
		send(Destinations.JOB_SUBMIT, command);

		JobDeadlineReached reached = awaitEvent(JobDeadlineReached.class, command.jobId());

		assertThat(reached.tenant()).isEqualTo(ACME);
		assertThat(reached.deadline()).isEqualTo(view(command.jobId(), ACME).deadline());
		assertThat(jdbc.queryForObject("select deadline_flagged_at is not null from jobs where job_id = ?",
				Boolean.class, command.jobId().value())).isTrue();
		assertThat(outboxRows("JobDeadlineReached", "jobId", command.jobId().toString())).isEqualTo(1);
	}

	@Test
	void acceptsTenThousandTasksInOneCommand() throws Exception {
		String agent = agentType("summarizer");
		SubmitJob command = submit(agent, null, null, null, inputs(10_000));

		long started = System.nanoTime();
		CommandReply reply = send(Destinations.JOB_SUBMIT, command);
		long replyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

		assertThat(reply).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));
		assertThat(taskCount(command.jobId())).isEqualTo(10_000);
		String queue = Destinations.agentQueue(StubRegistry.capabilityOf(agent));
		Await.until(Duration.ofSeconds(60), "10,000 tasks in " + queue, () -> messageCount(queue) == 10_000);
		long publishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		log.info("SubmitJob with 10,000 tasks: committed and replied in {} ms, all tasks queued after {} ms",
				replyMillis, publishedMillis);
	}

	// ---- budgets ----------------------------------------------------------------------------------------

	@Test
	void rejectsAJobWhoseMinimumTokensExceedItsTokenBudgetAndStoresNothing() throws Exception {
		// "summarise" + "content <i>": 3 words, so at least 3 prompt tokens per task, 30 for 10 tasks
		SubmitJob command = submit(agentType("summarizer"), null, null, new JobLimits(null, null, 29L, null),
				inputs(10));

		CommandReply reply = send(Destinations.JOB_SUBMIT, command);

		assertThat(reply).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("budget-exceeded");
			assertThat(rejected.status()).isEqualTo(422);
			assertThat(rejected.detail()).contains("at least 30 prompt tokens").contains("token budget of 29");
		});
		assertNothingStoredOrPublishedFor(command.jobId());
	}

	@Test
	void rejectsAJobWhoseMinimumCostAtItsModelExceedsItsCostBudget() throws Exception {
		// 1,000 tasks × 3 words at gpt-4o-mini's $0.15 per million input tokens = $0.00045
		SubmitJob tooCheap = submitWithModel(ACME, agentType("summarizer"), "gpt-4o-mini",
				new JobLimits(null, null, null, new BigDecimal("0.0004")), inputs(1000));

		assertThat(send(Destinations.JOB_SUBMIT, tooCheap)).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("budget-exceeded");
			assertThat(rejected.status()).isEqualTo(422);
			assertThat(rejected.detail()).contains("at least $0.00045").contains("gpt-4o-mini")
				.contains("cost budget of $0.0004");
		});
		assertNothingStoredOrPublishedFor(tooCheap.jobId());

		// the agent type's own model (announced by the registry) prices a job without an override
		SubmitJob atAgentModel = submitWithModel(ACME, agentType("priced"), null,
				new JobLimits(null, null, null, new BigDecimal("0.0004")), inputs(1000));
		assertThat(send(Destinations.JOB_SUBMIT, atAgentModel)).isInstanceOfSatisfying(CommandRejected.class,
				rejected -> assertThat(rejected.detail()).contains("at least $0.0075").contains("gpt-4o"));

		// an unpriced model cannot be estimated in dollars: only the token budget is checked
		SubmitJob unpriced = submitWithModel(ACME, agentType("summarizer"), "house-model",
				new JobLimits(null, null, null, new BigDecimal("0.0004")), inputs(1000));
		assertThat(send(Destinations.JOB_SUBMIT, unpriced)).isInstanceOf(JobSubmitted.class);
	}

	@Test
	void tasksCarryTheJobsModelAndBudgetAndTheAcceptanceItsLimits() throws Exception {
		String agent = agentType("summarizer");
		String capability = StubRegistry.capabilityOf(agent);
		JobLimits limits = new JobLimits(null, 2, 5_000L, new BigDecimal("0.50"));
		SubmitJob command = submitWithModel(ACME, agent, "gpt-4o-mini", limits, inputs(2));

		assertThat(send(Destinations.JOB_SUBMIT, command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));

		List<TaskAssigned> tasks = receive(Destinations.agentQueue(capability), 2).stream().map(this::taskOf).toList();
		assertThat(tasks).allSatisfy(task -> {
			assertThat(task.model()).isEqualTo("gpt-4o-mini");
			assertThat(task.budget()).isEqualTo(new TaskBudget(5_000L, new BigDecimal("0.50")));
		});
		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId());
		assertThat(accepted.limits()).isEqualTo(new JobLimits(Duration.ofHours(1), 2, 5_000L, new BigDecimal("0.50")));

		publishFailure(tasks.getFirst(), 1, true);
		TaskAssigned retry = taskOf(receive(Destinations.agentQueue(capability), 1).getFirst());
		assertThat(retry.attempt()).isEqualTo(2);
		assertThat(retry.model()).isEqualTo("gpt-4o-mini");
		assertThat(retry.budget().maxTokens()).isEqualTo(5_000L);
		assertThat(retry.budget().maxCostUsd()).isEqualByComparingTo("0.50");

		SubmitJob unlimited = submit(agent, null, null, null, inputs(1));
		send(Destinations.JOB_SUBMIT, unlimited);
		TaskAssigned plain = taskOf(receive(Destinations.agentQueue(capability), 1).getFirst());
		assertThat(plain.model()).isNull();
		assertThat(plain.budget()).isNull();
	}

	@Test
	void aJobEndedEarlyByTheAggregatorHasItsRemainingTasksCancelledOnce() throws Exception {
		SubmitJob command = submit(agentType("summarizer"), null, null, new JobLimits(null, null, 5_000L, null),
				inputs(10));
		send(Destinations.JOB_SUBMIT, command);
		publishEvent(new JobProgressed(command.jobId(), ACME, TaskCounts.of(10, 2, 0), Instant.now(),
				new Usage(3_000, 1_000, 2, 1, new BigDecimal("0.012"))));
		JobView running = Await.untilValue(WAIT, "progress with usage in the view", () -> view(command.jobId(), ACME),
				found -> found != null && found.usage().promptTokens() == 3_000);
		assertThat(running.usage().costUsd()).isEqualTo(new BigDecimal("0.012"));

		JobCompleted ended = new JobCompleted(command.jobId(), ACME, JobStatus.PARTIAL, TaskCounts.of(10, 4, 0),
				new Usage(4_100, 1_130, 4, 2, new BigDecimal("0.0215")),
				new JobResult(ReduceStrategy.COLLECT, 4, "token budget of 5000 spent (5230 used)"), Instant.now(),
				"token budget of 5000 spent (5230 used)");
		publishEvent(ended);

		JobCancelled cancelled = awaitEvent(JobCancelled.class, command.jobId());
		assertThat(cancelled.tenant()).isEqualTo(ACME);
		assertThat(cancelled.reason()).contains("PARTIAL").contains("token budget of 5000 spent (5230 used)");
		JobView done = view(command.jobId(), ACME);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.usage()).isEqualTo(new Usage(4_100, 1_130, 4, 2, new BigDecimal("0.0215")));

		// a redelivered completion, then progress of another job on the same (single-consumer) queue: once
		// that progress shows, the redelivery was handled
		SubmitJob sentinel = submit(agentType("summarizer"), null, null, null, inputs(1));
		send(Destinations.JOB_SUBMIT, sentinel);
		publishEvent(ended);
		publishEvent(new JobProgressed(sentinel.jobId(), ACME, TaskCounts.of(1, 0, 0), Instant.now()));
		Await.until(WAIT, "the sentinel's progress", () -> "RUNNING".equals(status(sentinel.jobId())));
		assertThat(outboxRows("JobCancelled", "jobId", command.jobId().toString())).isEqualTo(1);
		assertThat(status(command.jobId())).isEqualTo("PARTIAL");

		SubmitJob finished = submit(agentType("summarizer"), null, null, null, inputs(2));
		send(Destinations.JOB_SUBMIT, finished);
		publishEvent(new JobCompleted(finished.jobId(), ACME, JobStatus.PARTIAL, TaskCounts.of(2, 1, 1), Usage.NONE,
				new JobResult(ReduceStrategy.COLLECT, 2, "1 of 2 tasks failed"), Instant.now()));
		Await.until(WAIT, "the completed job in the view", () -> "PARTIAL".equals(status(finished.jobId())));
		assertThat(outboxRows("JobCancelled", "jobId", finished.jobId().toString()))
			.as("nothing left to stop").isZero();
	}

	@Test
	void aTenantBudgetRefusesJobsOnceSpentAndCapsTheCostBudgetOfOthers() throws Exception {
		String agent = agentType("summarizer");
		SubmitJob first = submitWithModel(THRIFTY, agent, null, new JobLimits(null, null, null, BigDecimal.ONE),
				inputs(1));
		assertThat(send(Destinations.JOB_SUBMIT, first)).isInstanceOf(JobSubmitted.class);
		assertThat(jdbc.queryForObject("select max_cost_usd from jobs where job_id = ?", BigDecimal.class,
				first.jobId().value())).as("capped to the tenant's $0.05").isEqualByComparingTo("0.05");

		publishEvent(new JobCompleted(first.jobId(), THRIFTY, JobStatus.SUCCEEDED, TaskCounts.of(1, 1, 0),
				new Usage(10_000, 2_000, 1, 0, new BigDecimal("0.03")), new JobResult(ReduceStrategy.COLLECT, 1, null),
				Instant.now()));
		Await.until(WAIT, "the first job's cost in the view", () -> view(first.jobId(), THRIFTY) != null
				&& view(first.jobId(), THRIFTY).usage().costUsd().compareTo(new BigDecimal("0.03")) == 0);

		SubmitJob second = submitWithModel(THRIFTY, agent, null, null, inputs(1));
		assertThat(send(Destinations.JOB_SUBMIT, second)).isInstanceOf(JobSubmitted.class);
		assertThat(jdbc.queryForObject("select max_cost_usd from jobs where job_id = ?", BigDecimal.class,
				second.jobId().value())).as("what is left").isEqualByComparingTo("0.02");
		publishEvent(new JobCompleted(second.jobId(), THRIFTY, JobStatus.SUCCEEDED, TaskCounts.of(1, 1, 0),
				new Usage(10_000, 2_000, 1, 0, new BigDecimal("0.02")), new JobResult(ReduceStrategy.COLLECT, 1, null),
				Instant.now()));
		Await.until(WAIT, "the second job's cost in the view", () -> view(second.jobId(), THRIFTY) != null
				&& view(second.jobId(), THRIFTY).usage().costUsd().signum() > 0);

		SubmitJob third = submitWithModel(THRIFTY, agent, null, null, inputs(1));
		assertThat(send(Destinations.JOB_SUBMIT, third)).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
			assertThat(rejected.problem()).isEqualTo("tenant-budget-exceeded");
			assertThat(rejected.status()).isEqualTo(422);
			assertThat(rejected.detail()).contains("thrifty").contains("spent $0.05").contains("budget of $0.05");
		});
		assertNothingStoredOrPublishedFor(third.jobId());
		assertThat(send(Destinations.JOB_SUBMIT, submit(agent, null, null, null, inputs(1))))
			.as("other tenants are not affected").isInstanceOf(JobSubmitted.class);
	}

	private CommandReply send(String routingKey, ColonyCommand command) throws Exception {
		return commands.send(routingKey, command).get(30, TimeUnit.SECONDS);
	}

	private static SubmitJob submit(String agent, String key, Priority priority, JobLimits limits, List<JobInput> inputs) {
		return new SubmitJob(JobId.random(), ACME, key, "digest-" + inputs.size(),
				new ScatterGather(agent, "summarise", inputs, null, priority, limits), Instant.now());
	}

	private static SubmitJob submitWithModel(TenantId tenant, String agent, String model, JobLimits limits,
			List<JobInput> inputs) {
		return new SubmitJob(JobId.random(), tenant, null, "digest-" + inputs.size(),
				new ScatterGather(agent, "summarise", inputs, null, null, limits, model), Instant.now());
	}

	private static SubmitJob submitWhenNoAgent(String agent, NoAgentPolicy policy, JobLimits limits,
			List<JobInput> inputs) {
		return new SubmitJob(JobId.random(), ACME, null, "digest-" + inputs.size(),
				new ScatterGather(agent, "summarise", inputs, null, null, limits, null, policy), Instant.now());
	}

	/** Waits until a held job lost its held mark, which it does in the transaction that dispatches its tasks. */
	private void awaitDispatched(JobId jobId) {
		Await.until(WAIT, "held job " + jobId + " to be dispatched", () -> jdbc.queryForObject(
				"select held_since is null from jobs where job_id = ?", Boolean.class, jobId.value()));
	}

	/** An agent type whose held job never gets an agent: how often the registry is asked about it counts polls. */
	private static final String SENTINEL_AGENT = agentType("ghost-sentinel");

	/**
	 * Waits until the held-jobs poller has asked the registry about a job held for good twice more: at least
	 * one whole poll ran after this call began, so whatever it would have dispatched is in the outbox.
	 */
	private void awaitTwoHeldJobPolls() throws Exception {
		if (jdbc.queryForObject("select count(*) from jobs where agent = ?", Integer.class, SENTINEL_AGENT) == 0) {
			send(Destinations.JOB_SUBMIT, submitWhenNoAgent(SENTINEL_AGENT, NoAgentPolicy.HOLD,
					new JobLimits(Duration.ofHours(24), null), inputs(1)));
		}
		int asked = registry.queries(SENTINEL_AGENT);
		Await.until(WAIT, "two polls of held jobs", () -> registry.queries(SENTINEL_AGENT) >= asked + 2);
	}

	private void assertNothingStoredOrPublishedFor(JobId jobId) {
		assertThat(jdbc.queryForObject("select count(*) from jobs where job_id = ?", Integer.class, jobId.value()))
			.isZero();
		assertThat(jdbc.queryForObject("select count(*) from colony_outbox where convert_from(payload, 'UTF8') like ?",
				Integer.class, "%" + jobId + "%")).isZero();
	}

	private static List<JobInput> inputs(int count) {
		return IntStream.range(0, count).mapToObj(i -> new JobInput("in-" + i, "content " + i)).toList();
	}

	/** A fresh agent type per test, so that every test has its own agent queue. */
	private static String agentType(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private List<Message> receive(String queue, int count) {
		List<Message> received = new ArrayList<>();
		return Await.untilValue(WAIT, count + " messages on " + queue, () -> {
			Message message;
			while (received.size() < count && (message = rabbit.receive(queue)) != null) {
				received.add(message);
			}
			return received;
		}, list -> list.size() >= count);
	}

	private TaskAssigned taskOf(Message message) {
		return (TaskAssigned) codec.decode(message.getBody(), TaskMessage.class);
	}

	private int messageCount(String queue) {
		return rabbit.execute(channel -> channel.queueDeclarePassive(queue).getMessageCount());
	}

	private <E extends JobEvent> E awaitEvent(Class<E> type, JobId jobId) {
		Predicate<JobEvent> wanted = event -> type.isInstance(event) && jobId.equals(event.jobId());
		JobEvent found = Await.untilValue(WAIT, type.getSimpleName() + " of " + jobId, () -> {
			Message message;
			while ((message = rabbit.receive(EVENTS_QUEUE)) != null) {
				events.add(codec.decode(message.getBody(), JobEvent.class));
			}
			return events.stream().filter(wanted).findFirst().orElse(null);
		}, event -> event != null);
		return type.cast(found);
	}

	private UUID publishFailure(TaskAssigned task, int attempt, boolean retryable) throws Exception {
		TaskFailed failed = new TaskFailed(task.jobId(), task.taskId(), task.tenant(), task.input().id(), attempt,
				AgentId.of("agent-1"), "model timed out", retryable, attempt >= task.maxAttempts(), Instant.now());
		UUID messageId = UUID.randomUUID();
		publisher.publish(Outgoing.to(Destinations.RESULTS, Destinations.resultRoutingKey(failed, task.capability()), failed)
			.withMessageId(messageId)
			.withTenant(task.tenant())).get(10, TimeUnit.SECONDS);
		return messageId;
	}

	private void publishEvent(JobEvent event) throws Exception {
		publisher.publish(Outgoing.to(Destinations.EVENTS, event.routingKey(), event).withTenant(event.tenant()))
			.get(10, TimeUnit.SECONDS);
	}


	private int taskCount(JobId jobId) {
		return jdbc.queryForObject("select count(*) from tasks where job_id = ?", Integer.class, jobId.value());
	}

	private Map<String, Object> taskRow(TaskAssigned task) {
		return jdbc.queryForMap("select attempt, status from tasks where task_id = ?", task.taskId().value());
	}

	private String status(JobId jobId) {
		return jdbc.queryForObject("select status from jobs where job_id = ?", String.class, jobId.value());
	}

	private boolean inboxHas(UUID messageId) {
		return jdbc.queryForObject("select count(*) from colony_inbox where consumer = 'orchestrator.results' and message_id = ?",
				Integer.class, messageId) == 1;
	}

	private int outboxRows(String type, String field, String value) {
		return jdbc.queryForObject("""
				select count(*) from colony_outbox
				where message_type = ? and convert_from(payload, 'UTF8')::jsonb ->> ? = ?
				""", Integer.class, type, field, value);
	}

	private JobView view(JobId jobId, TenantId tenant) {
		try {
			HttpResponse<String> response = get("/internal/v1/jobs/" + jobId, tenant.value());
			return response.statusCode() == 200 ? codec.mapper().readValue(response.body(), JobView.class) : null;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<String> get(String path, String tenant) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
		if (tenant != null) {
			request.header("X-Colony-Tenant", tenant);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
