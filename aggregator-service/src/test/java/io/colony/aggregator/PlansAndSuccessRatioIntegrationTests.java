package io.colony.aggregator;

import io.colony.contracts.AgentId;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobPlanChanged;
import io.colony.contracts.JobStatus;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs whose size changes at run time ({@code JobPlanChanged}: supervisors' plans, pipelines that drop tasks) and
 * jobs that end on a success ratio, against the real broker and database. Results, acceptance and plan events
 * arrive in every order; each scenario uses its own job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlansAndSuccessRatioIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final TenantId TENANT = TenantId.of("acme");

	private static final String CAPABILITY = "summarizer";

	private static final String COMPLETED_QUEUE = "test.plans.job-completed";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final List<JobCompleted> completions = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.aggregator.verify-signatures", () -> "false");
	}

	@AfterAll
	static void cleanUp() {
		env.close();
	}

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MessageCodec codec;

	@BeforeEach
	void listenToCompletions() {
		admin.declareQueue(new Queue(COMPLETED_QUEUE, false, false, false));
		admin.declareBinding(new Binding(COMPLETED_QUEUE, Binding.DestinationType.QUEUE, Destinations.EVENTS,
				Destinations.JOB_COMPLETED, null));
	}

	@Test
	void anOpenPlanDoesNotCloseOnItsCountButClosingThePlanAfterTheResultsDoes() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true)));
		publishResults(IntStream.range(0, 4).mapToObj(i -> (TaskResult) completed(job, i)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 4);
		assertOpen(job);

		publishEvent(plan(job, 4, false, null));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(4, 4, 0, 0));
		assertThat(done.reason()).isNull();
		assertExactlyOneCompletion(job);
	}

	@Test
	void resultsCompletingAClosedPlanCloseTheJobWithTheUsualRule() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true)));
		awaitApplied(publishEvent(plan(job, 3, false, null)));
		assertOpen(job);

		publishResults(List.of(completed(job, 0), failed(job, 1), completed(job, 2)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(3, 2, 1, 0));
		assertThat(done.result().reason()).isEqualTo("1 of 3 tasks failed");
	}

	@Test
	void aFailedPlanFailsTheJobWithItsReasonAndKeepsTheResults() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true)));
		publishResults(List.of(completed(job, 0)));
		Await.until(WAIT, "planning result stored", () -> storedResults(job) == 1);

		publishEvent(plan(job, 1, false, "the plan is not JSON"));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.FAILED);
		assertThat(done.result().reason()).isEqualTo("the plan is not JSON");
		assertThat(done.reason()).isEqualTo("the plan is not JSON");
		assertThat(done.tasks()).isEqualTo(new TaskCounts(1, 1, 0, 0));
		assertThat(storedResults(job)).isEqualTo(1);

		awaitApplied(publishEvent(plan(job, 7, true, null)));
		assertThat(jdbc.queryForMap("select total_tasks, plan_open, status from jobs where job_id = ?", job.value()))
			.containsEntry("total_tasks", 1)
			.containsEntry("plan_open", false)
			.containsEntry("status", "FAILED");
		assertExactlyOneCompletion(job);
	}

	@Test
	void aPlanEventBeforeTheAcceptanceIsKeptAndTheJobClosesOnAcceptance() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(plan(job, 3, false, null)));
		publishResults(IntStream.range(0, 3).mapToObj(i -> (TaskResult) completed(job, i)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 3);
		assertOpen(job);

		// the acceptance is older than the plan: its total of 2 and open plan must not undo the plan's
		publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(3, 3, 0, 0));
		assertExactlyOneCompletion(job);
	}

	@Test
	void aFailedPlanThatOvertookTheAcceptanceFailsTheJobOnAcceptance() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(plan(job, 1, false, "subtask 'x' names agent type 'hacker', not a specialist")));
		publishResults(List.of(completed(job, 0)));
		Await.until(WAIT, "planning result stored", () -> storedResults(job) == 1);
		assertOpen(job);

		publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.FAILED);
		assertThat(done.reason()).isEqualTo("subtask 'x' names agent type 'hacker', not a specialist");
		assertExactlyOneCompletion(job);
	}

	@Test
	void aRedeliveredOrOvertakenPlanEventChangesNothing() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 2, JobLimits.DEFAULTS, true)));
		Instant earlier = Instant.now();
		JobPlanChanged first = new JobPlanChanged(job, TENANT, 2, false, null, earlier);
		JobPlanChanged second = new JobPlanChanged(job, TENANT, 5, true, null, earlier.plusMillis(10));
		UUID firstId = UUID.randomUUID();
		awaitApplied(publishEvent(second, UUID.randomUUID()));
		// an older event arriving late, then the same message twice: neither may close the plan or shrink it
		awaitApplied(publishEvent(first, firstId));
		publishEvent(first, firstId);
		// one consumer, in order: once a later event is applied, the duplicate before it was handled
		awaitApplied(publishEvent(new JobPlanChanged(job, TENANT, 5, true, null, earlier.plusMillis(15))));
		publishResults(IntStream.range(0, 2).mapToObj(i -> (TaskResult) completed(job, i)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 2);
		assertThat(jdbc.queryForMap("select total_tasks, plan_open from jobs where job_id = ?", job.value()))
			.containsEntry("total_tasks", 5)
			.containsEntry("plan_open", true);
		assertOpen(job);

		publishEvent(new JobPlanChanged(job, TENANT, 5, false, null, earlier.plusMillis(20)));
		publishResults(IntStream.range(2, 5).mapToObj(i -> (TaskResult) completed(job, i)).toList());

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(5, 5, 0, 0));
		assertExactlyOneCompletion(job);
	}

	@Test
	void reachingTheSuccessRatioEndsTheJobEarlyAsPartial() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 10, ratio("0.8"), false)));
		publishResults(IntStream.range(0, 7).mapToObj(i -> (TaskResult) completed(job, i)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 7);
		assertOpen(job);

		publishResults(List.of(completed(job, 7)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(10, 8, 0, 2));
		assertThat(done.reason()).isEqualTo("success ratio 0.8 reached (8 of 10 succeeded)");
		assertThat(done.result().reason()).isEqualTo(done.reason());

		publishResults(List.of(completed(job, 8), completed(job, 9)));
		Await.until(WAIT, "late results stored", () -> storedResults(job) == 10);
		assertExactlyOneCompletion(job);
	}

	@Test
	void missingTheSuccessRatioOnceEveryTaskFinishedFailsTheJob() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 10, ratio("0.8"), false)));
		List<TaskResult> results = new ArrayList<>();
		IntStream.range(0, 6).forEach(i -> results.add(completed(job, i)));
		IntStream.range(6, 10).forEach(i -> results.add(failed(job, i)));

		publishResults(results);

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.FAILED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(10, 6, 4, 0));
		assertThat(done.result().reason()).isEqualTo("success ratio 0.8 not reached (6 of 10 succeeded)");
		assertExactlyOneCompletion(job);
	}

	@Test
	void theSuccessRatioWaitsForAnOpenPlanAndCountsAgainstThePlannedTotal() {
		JobId job = JobId.random();
		awaitApplied(publishEvent(accepted(job, 2, ratio("0.5"), true)));
		publishResults(IntStream.range(0, 2).mapToObj(i -> (TaskResult) completed(job, i)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 2);
		assertOpen(job);

		awaitApplied(publishEvent(plan(job, 6, false, null)));
		assertOpen(job);

		publishResults(List.of(completed(job, 2)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.reason()).isEqualTo("success ratio 0.5 reached (3 of 6 succeeded)");
		assertThat(done.tasks()).isEqualTo(new TaskCounts(6, 3, 0, 3));
	}

	private static JobLimits ratio(String ratio) {
		return new JobLimits(null, null, null, null, null, new BigDecimal(ratio));
	}

	private static JobAccepted accepted(JobId job, int total, JobLimits limits, boolean planOpen) {
		Instant now = Instant.now();
		return new JobAccepted(job, TENANT, "planner", total, ReduceStrategy.COLLECT, now.plusSeconds(3600), now,
				limits, planOpen);
	}

	private static JobPlanChanged plan(JobId job, int total, boolean open, String failure) {
		return new JobPlanChanged(job, TENANT, total, open, failure, Instant.now());
	}

	private static TaskId taskId(JobId job, int index) {
		return new TaskId(UUID.nameUUIDFromBytes((job + ":task:" + index).getBytes(StandardCharsets.UTF_8)));
	}

	private static String inputId(int index) {
		return "input-%05d".formatted(index);
	}

	private static TaskCompleted completed(JobId job, int index) {
		Instant now = Instant.now();
		return new TaskCompleted(job, taskId(job, index), TENANT, inputId(index), 1, AgentId.of("agent-1"),
				"output of " + inputId(index), new Usage(10, 5, 1), now.minusMillis(5), now);
	}

	private static TaskFailed failed(JobId job, int index) {
		return new TaskFailed(job, taskId(job, index), TENANT, inputId(index), 1, AgentId.of("agent-1"),
				"agent gave up on " + inputId(index), false, true, Instant.now());
	}

	private static UUID messageId(TaskResult result) {
		String key = switch (result) {
			case TaskCompleted done -> done.taskId() + ":" + done.attempt() + ":completed";
			case TaskFailed failed -> failed.taskId() + ":" + failed.attempt() + ":failed";
			default -> throw new IllegalArgumentException(result.toString());
		};
		return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
	}

	private void publishResults(List<TaskResult> results) {
		List<CompletableFuture<Void>> confirms = new ArrayList<>(results.size());
		for (TaskResult result : results) {
			confirms.add(publisher.publish(Outgoing
				.to(Destinations.RESULTS, Destinations.resultRoutingKey(result, CAPABILITY), result)
				.withMessageId(messageId(result))
				.withTenant(TENANT)));
		}
		CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).join();
	}

	private UUID publishEvent(JobEvent event) {
		return publishEvent(event, UUID.randomUUID());
	}

	private UUID publishEvent(JobEvent event, UUID messageId) {
		publisher.publish(Outgoing.to(Destinations.EVENTS, event.routingKey(), event)
			.withMessageId(messageId)
			.withTenant(TENANT)).join();
		return messageId;
	}

	/** Waits until the job-events consumer has applied (or dropped as a replay) the message. */
	private void awaitApplied(UUID messageId) {
		Await.until(WAIT, "job event " + messageId + " applied", () -> jdbc.queryForObject(
				"select count(*) from colony_inbox where consumer = 'aggregator.job-events' and message_id = ?",
				Integer.class, messageId) == 1);
	}

	private void assertOpen(JobId job) {
		assertThat(jdbc.queryForObject("select closed_at is null from jobs where job_id = ?", Boolean.class,
				job.value())).as("job %s still open", job).isTrue();
		assertThat(completionsOf(job)).isEmpty();
	}

	private JobCompleted awaitCompletion(JobId job) {
		return Await.untilValue(WAIT, "JobCompleted of " + job, () -> completionsOf(job), list -> !list.isEmpty())
			.getFirst();
	}

	private void assertExactlyOneCompletion(JobId job) {
		Integer appended = jdbc.queryForObject("""
				select count(*) from colony_outbox
				where routing_key = 'job.completed' and convert_from(payload, 'UTF8')::jsonb ->> 'jobId' = ?
				""", Integer.class, job.toString());
		assertThat(appended).isEqualTo(1);
		Await.until(WAIT, "outbox drained", () -> jdbc.queryForObject(
				"select count(*) from colony_outbox where sent_at is null", Integer.class) == 0);
		assertThat(completionsOf(job)).hasSize(1);
	}

	private List<JobCompleted> completionsOf(JobId job) {
		Message message;
		while ((message = rabbit.receive(COMPLETED_QUEUE)) != null) {
			completions.add(codec.decode(message.getBody(), JobCompleted.class));
		}
		return completions.stream().filter(event -> event.jobId().equals(job)).toList();
	}

	private int storedResults(JobId job) {
		return jdbc.queryForObject("select count(*) from task_results where job_id = ?", Integer.class, job.value());
	}
}
