package io.colony.aggregator;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.colony.contracts.AgentId;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobStatus;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ResultsPage;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TaskResultView;
import io.colony.contracts.TenantId;
import io.colony.contracts.TenantUsage;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.platform.testing.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aggregator against the real broker and database: results in, one {@code JobCompleted} out, whatever
 * the order, the duplicates or the poison in between. One Spring context; every scenario uses its own job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AggregatorIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(AggregatorIntegrationTests.class);

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final TenantId TENANT = TenantId.of("acme");

	private static final String CAPABILITY = "summarizer";

	private static final String COMPLETED_QUEUE = "test.job-completed";

	private static final String PROGRESS_QUEUE = "test.job-progress";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final List<JobCompleted> completions = new CopyOnWriteArrayList<>();

	private static final List<JobProgressed> progressions = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		// these scenarios publish unsigned results; signatures are checked in ResultVerificationIntegrationTests
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

	@Autowired
	ColonyConsumers consumers;

	@LocalServerPort
	int port;

	@BeforeEach
	void listenToJobEvents() {
		admin.declareQueue(new Queue(COMPLETED_QUEUE, false, false, false));
		admin.declareBinding(new Binding(COMPLETED_QUEUE, Binding.DestinationType.QUEUE, Destinations.EVENTS,
				Destinations.JOB_COMPLETED, null));
		admin.declareQueue(new Queue(PROGRESS_QUEUE, false, false, false));
		admin.declareBinding(new Binding(PROGRESS_QUEUE, Binding.DestinationType.QUEUE, Destinations.EVENTS,
				Destinations.JOB_PROGRESS, null));
	}

	@Test
	void allResultsAfterAcceptanceCompleteTheJobOnceAndAreServedInInputOrder() throws Exception {
		JobId job = JobId.random();
		int n = 25;
		publishEvent(accepted(job, n));
		List<TaskResult> results = IntStream.range(0, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList();
		publishResults(results);

		JobCompleted done = awaitCompletion(job);

		assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(done.tenant()).isEqualTo(TENANT);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n, 0, 0));
		assertThat(done.usage()).isEqualTo(new Usage(10L * n, 5L * n, n));
		assertThat(done.result().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(done.result().items()).isEqualTo(n);
		assertThat(done.result().reason()).isNull();
		assertExactlyOneCompletion(job);

		ResultsPage first = resultsPage(job, TENANT.value(), 0, 10);
		assertThat(first.totalItems()).isEqualTo(n);
		assertThat(first.items()).hasSize(10);
		assertThat(first.items()).extracting(TaskResultView::inputId).isSorted();
		assertThat(first.items().getFirst().inputId()).isEqualTo(inputId(0));
		assertThat(first.items().getFirst().status()).isEqualTo("SUCCEEDED");
		assertThat(first.items().getFirst().output()).isEqualTo("summary of " + inputId(0));
		assertThat(first.items().getFirst().agentId()).isEqualTo(AgentId.of("agent-1"));
		ResultsPage last = resultsPage(job, TENANT.value(), 2, 10);
		assertThat(last.items()).extracting(TaskResultView::inputId).containsExactly(inputId(20), inputId(21),
				inputId(22), inputId(23), inputId(24));
		ResultsPage all = resultsPage(job, TENANT.value(), 0, 1000);
		assertThat(all.items()).hasSize(n).extracting(TaskResultView::taskId).doesNotHaveDuplicates();
	}

	@Test
	void resultsThatOvertakeTheAcceptanceStillCompleteTheJob() throws Exception {
		JobId job = JobId.random();
		int n = 12;
		publishResults(IntStream.range(0, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList());
		Await.until(WAIT, "results stored before acceptance", () -> storedResults(job) == n);
		assertThat(jdbc.queryForObject("select succeeded from jobs where job_id = ?", Integer.class, job.value()))
			.isEqualTo(n);
		assertThat(completionsOf(job)).isEmpty();

		publishEvent(accepted(job, n));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n, 0, 0));
		assertExactlyOneCompletion(job);
	}

	@Test
	void duplicatesAndSecondAttemptsAreNeverCountedTwice() {
		JobId job = JobId.random();
		int n = 20;
		publishEvent(accepted(job, n));
		List<TaskResult> firstHalf = new ArrayList<>();
		List<UUID> expectedClaims = new ArrayList<>();
		for (int i = 0; i < n / 2; i++) {
			TaskCompleted first = completed(job, i, 1);
			TaskCompleted again = completed(job, i, 2);
			firstHalf.add(first);
			firstHalf.add(first);
			firstHalf.add(again);
			expectedClaims.add(messageId(first));
			expectedClaims.add(messageId(again));
		}
		publishResults(firstHalf);

		Await.until(WAIT, "every distinct message claimed", () -> claimed(expectedClaims) == expectedClaims.size());
		assertThat(storedResults(job)).isEqualTo(n / 2);
		assertThat(jdbc.queryForMap("select succeeded, failed, closed_at from jobs where job_id = ?", job.value()))
			.containsEntry("succeeded", n / 2)
			.containsEntry("failed", 0)
			.containsEntry("closed_at", null);

		List<TaskResult> secondHalf = new ArrayList<>();
		for (int i = n / 2; i < n; i++) {
			secondHalf.add(completed(job, i, 1));
			secondHalf.add(completed(job, i, 1));
		}
		publishResults(secondHalf);

		JobCompleted done = awaitCompletion(job);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n, 0, 0));
		// every distinct attempt ran and spent its tokens: the n first attempts and the n/2 second ones
		int attempts = n + n / 2;
		assertThat(done.usage()).isEqualTo(new Usage(10L * attempts, 5L * attempts, attempts));
		assertThat(storedResults(job)).isEqualTo(n);
		assertExactlyOneCompletion(job);
	}

	@Test
	void aFinalFailureAmongSuccessesMakesTheJobPartialWhileRetriedFailuresDoNotCount() throws Exception {
		JobId job = JobId.random();
		int n = 6;
		publishEvent(accepted(job, n));
		List<TaskResult> results = new ArrayList<>();
		results.add(failed(job, 0, 1, true, false));
		results.add(completed(job, 0, 2));
		results.add(failed(job, 1, 3, true, true));
		for (int i = 2; i < n; i++) {
			results.add(completed(job, i, 1));
		}
		publishResults(results);

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n - 1, 1, 0));
		assertThat(done.result().items()).isEqualTo(n);
		assertThat(done.result().reason()).isEqualTo("1 of 6 tasks failed");
		List<TaskResultView> items = resultsPage(job, TENANT.value(), 0, 100).items();
		assertThat(items.get(0).attempt()).isEqualTo(2);
		assertThat(items.get(1).status()).isEqualTo("FAILED");
		assertThat(items.get(1).error()).isEqualTo("agent gave up on " + inputId(1));
	}

	@Test
	void cancellationClosesTheJobOnceAndLaterResultsDoNotReopenIt() {
		JobId job = JobId.random();
		int n = 10;
		publishEvent(accepted(job, n));
		publishResults(IntStream.range(0, 4).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList());
		Await.until(WAIT, "first results stored", () -> storedResults(job) == 4);

		publishEvent(new JobCancelled(job, TENANT, "user asked", Instant.now()));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, 4, 0, 6));
		assertThat(done.result().reason()).isEqualTo("cancelled: user asked");

		publishResults(IntStream.range(4, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList());
		Await.until(WAIT, "late results stored", () -> storedResults(job) == n);
		UUID lateDeadline = publishEvent(new JobDeadlineReached(job, TENANT, Instant.now()));
		Await.until(WAIT, "late deadline applied", () -> jdbc.queryForObject(
				"select count(*) from colony_inbox where consumer = 'aggregator.job-events' and message_id = ?",
				Integer.class, lateDeadline) == 1);
		assertExactlyOneCompletion(job);
		assertThat(jdbc.queryForObject("select status from jobs where job_id = ?", String.class, job.value()))
			.isEqualTo("CANCELLED");
	}

	@Test
	void theDeadlineClosesTheJobWithWhatSucceeded() {
		JobId job = JobId.random();
		publishEvent(accepted(job, 10));
		publishResults(IntStream.range(0, 7).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList());
		Await.until(WAIT, "results stored", () -> storedResults(job) == 7);

		publishEvent(new JobDeadlineReached(job, TENANT, Instant.now()));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(10, 7, 0, 3));
		assertThat(done.result().reason()).isEqualTo("deadline reached with 3 of 10 tasks missing");
		assertExactlyOneCompletion(job);
	}

	@Test
	void aDeadlineWithoutAnySuccessFailsTheJob() {
		JobId job = JobId.random();
		publishEvent(accepted(job, 3));
		publishEvent(new JobDeadlineReached(job, TENANT, Instant.now()));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.FAILED);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(3, 0, 0, 3));
	}

	@Test
	void poisonResultsAreDeadLetteredWhileTheirNeighboursAreRecorded() {
		JobId job = JobId.random();
		int n = 8;
		publishEvent(accepted(job, n));
		List<TaskResult> good = IntStream.range(0, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList();
		publishResults(good.subList(0, n / 2));
		UUID notJson = UUID.randomUUID();
		publishRaw(notJson, "{this is not json");
		UUID noTask = UUID.randomUUID();
		publishRaw(noTask, """
				{"type":"TaskCompleted","jobId":"%s","tenant":"acme","inputId":"x","attempt":1,"output":"?"}
				""".formatted(job));
		publishResults(good.subList(n / 2, n));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n, 0, 0));
		List<Message> dead = new ArrayList<>();
		Await.until(WAIT, "both poison messages dead-lettered", () -> {
			Message message = rabbit.receive(Destinations.deadLetterQueue(Destinations.AGGREGATOR_RESULTS_QUEUE));
			if (message != null) {
				dead.add(message);
			}
			return dead.size() >= 2;
		});
		assertThat(dead).extracting(message -> message.getMessageProperties().getMessageId())
			.containsExactlyInAnyOrder(notJson.toString(), noTask.toString());
		for (Message message : dead) {
			assertThat(message.getMessageProperties().getHeaders()).containsKey(Headers.DEATH_REASON)
				.containsEntry(Headers.DEATH_QUEUE, Destinations.AGGREGATOR_RESULTS_QUEUE);
		}
		Message noTaskDead = dead.stream()
			.filter(message -> message.getMessageProperties().getMessageId().equals(noTask.toString()))
			.findFirst()
			.orElseThrow();
		assertThat(noTaskDead.getMessageProperties().getHeaders().get(Headers.DEATH_REASON).toString())
			.contains("has no taskId");
	}

	@Test
	void progressIsThrottledNotOneEventPerTask() {
		JobId job = JobId.random();
		int n = 2000;
		publishEvent(accepted(job, n));
		publishResults(IntStream.range(0, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList());

		JobCompleted done = awaitCompletion(job);
		assertThat(done.tasks().succeeded()).isEqualTo(n);
		List<JobProgressed> progress = Await.untilValue(WAIT, "progress of the job", () -> progressOf(job),
				list -> !list.isEmpty());
		log.info("{} results produced {} JobProgressed events", n, progress.size());
		assertThat(progress.size()).isBetween(1, 100);
		assertThat(progress).allSatisfy(event -> {
			assertThat(event.tenant()).isEqualTo(TENANT);
			assertThat(event.tasks().total()).isEqualTo(n);
			assertThat(event.tasks().succeeded()).isBetween(1, n - 1);
		});
	}

	/**
	 * Prints how fast 10,000 results are recorded: they are queued while the consumers are stopped (through a
	 * plain confirming channel, faster than the test's own publisher), then the clock runs from restart to
	 * the job's completion.
	 */
	@Test
	void recordsTenThousandQueuedResults() throws Exception {
		JobId job = JobId.random();
		int n = 10_000;
		UUID acceptance = publishEvent(accepted(job, n));
		Await.until(WAIT, "acceptance applied", () -> jdbc.queryForObject(
				"select count(*) from colony_inbox where consumer = 'aggregator.job-events' and message_id = ?",
				Integer.class, acceptance) == 1);
		List<TaskResult> results = IntStream.range(0, n).mapToObj(i -> (TaskResult) completed(job, i, 1)).toList();

		JobCompleted done;
		long publishing;
		long recording;
		consumers.stop();
		try {
			long start = System.nanoTime();
			publishBurst(results);
			publishing = System.nanoTime() - start;
		}
		finally {
			consumers.start();
		}
		long restarted = System.nanoTime();
		done = awaitCompletion(job);
		recording = System.nanoTime() - restarted;

		assertThat(done.tasks()).isEqualTo(new TaskCounts(n, n, 0, 0));
		assertThat(storedResults(job)).isEqualTo(n);
		long millis = Math.max(1, Duration.ofNanos(recording).toMillis());
		log.info("THROUGHPUT: {} queued results recorded (and the job closed) in {} ms = {} results/s "
				+ "(queued in {} ms)", n, millis, n * 1000L / millis, Duration.ofNanos(publishing).toMillis());
	}

	@Test
	void resultsPagesRejectBadParametersAsProblems() throws Exception {
		JobId job = JobId.random();

		HttpResponse<String> tooBig = get("/internal/v1/jobs/" + job + "/results?size=1001", TENANT.value());
		HttpResponse<String> zero = get("/internal/v1/jobs/" + job + "/results?size=0", TENANT.value());
		HttpResponse<String> malformed = get("/internal/v1/jobs/not-a-uuid/results", TENANT.value());
		HttpResponse<String> noTenant = get("/internal/v1/jobs/" + job + "/results", null);

		assertProblem(tooBig, 400, "size must be between 1 and 1000");
		assertProblem(zero, 400, "size must be between 1 and 1000");
		assertProblem(malformed, 404, "not-a-uuid");
		assertThat(noTenant.statusCode()).isEqualTo(400);
		assertThat(noTenant.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void anUnknownJobOrAnotherTenantsJobIsAnEmptyPage() throws Exception {
		JobId job = JobId.random();
		publishEvent(accepted(job, 2));
		publishResults(List.of(completed(job, 0, 1), completed(job, 1, 1)));
		awaitCompletion(job);

		ResultsPage otherTenant = resultsPage(job, "globex", 0, 100);
		ResultsPage unknown = resultsPage(JobId.random(), TENANT.value(), 0, 100);
		ResultsPage pastTheEnd = resultsPage(job, TENANT.value(), 5, 100);

		assertThat(otherTenant.totalItems()).isZero();
		assertThat(otherTenant.items()).isEmpty();
		assertThat(unknown.totalItems()).isZero();
		assertThat(pastTheEnd.totalItems()).isEqualTo(2);
		assertThat(pastTheEnd.items()).isEmpty();
	}

	// ---- cost and budgets -------------------------------------------------------------------------------

	@Test
	void resultsThatPushAJobPastItsTokenBudgetEndItOnceAsPartialKeepingWhatSucceeded() throws Exception {
		JobId job = JobId.random();
		publishEvent(accepted(job, 10, new JobLimits(null, null, 5_000L, null)));
		Usage each = new Usage(1_500, 250, 1, 2, new BigDecimal("0.0008"));
		publishResults(List.of(completed(job, 0, 1, each, TENANT), completed(job, 1, 1, each, TENANT)));
		Await.until(WAIT, "two results recorded", () -> storedResults(job) == 2);
		assertThat(jdbc.queryForObject("select closed_at is null from jobs where job_id = ?", Boolean.class,
				job.value())).as("3,500 of 5,000 tokens: still open").isTrue();

		publishResults(List.of(completed(job, 2, 1, each, TENANT)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.reason()).isEqualTo("token budget of 5000 spent (5250 used)");
		assertThat(done.result().reason()).isEqualTo(done.reason());
		assertThat(done.tasks()).isEqualTo(new TaskCounts(10, 3, 0, 7));
		assertThat(done.usage()).isEqualTo(new Usage(4_500, 750, 3, 6, new BigDecimal("0.0024")));
		assertThat(resultsPage(job, TENANT.value(), 0, 100).items()).extracting(TaskResultView::inputId)
			.containsExactly(inputId(0), inputId(1), inputId(2));

		// tasks still running when the budget ran out report later: stored and counted, never a second close
		publishResults(List.of(completed(job, 3, 1, each, TENANT), failed(job, 4, 1, false, false, each, TENANT)));
		Await.until(WAIT, "late results stored", () -> storedResults(job) == 5);
		assertExactlyOneCompletion(job);
		assertThat(jdbc.queryForMap("select status, reason, prompt_tokens from jobs where job_id = ?", job.value()))
			.containsEntry("status", "PARTIAL")
			.containsEntry("reason", "token budget of 5000 spent (5250 used)")
			.containsEntry("prompt_tokens", 7_500L);
	}

	@Test
	void failedAttemptsSpendTheBudgetTooAndAJobWithoutSuccessFails() {
		JobId job = JobId.random();
		publishEvent(accepted(job, 5, new JobLimits(null, null, null, new BigDecimal("0.01"))));
		Usage each = new Usage(400, 100, 2, 1, new BigDecimal("0.004"));

		// three attempts the orchestrator would retry: none is a result, all of them cost money
		publishResults(List.of(failed(job, 0, 1, true, false, each, TENANT), failed(job, 1, 1, true, false, each, TENANT),
				failed(job, 2, 1, true, false, each, TENANT)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.FAILED);
		assertThat(done.reason()).isEqualTo("cost budget of $0.01 spent ($0.012 used)");
		assertThat(done.tasks()).isEqualTo(new TaskCounts(5, 0, 0, 5));
		assertThat(done.usage()).isEqualTo(new Usage(1_200, 300, 6, 3, new BigDecimal("0.012")));
		assertThat(storedResults(job)).isZero();
		assertExactlyOneCompletion(job);
	}

	@Test
	void resultsThatOvertakeTheAcceptanceMayHaveSpentTheBudgetAlready() {
		JobId job = JobId.random();
		Usage each = new Usage(800, 200, 1);
		publishResults(List.of(completed(job, 0, 1, each, TENANT), completed(job, 1, 1, each, TENANT)));
		Await.until(WAIT, "results stored before acceptance", () -> storedResults(job) == 2);

		publishEvent(accepted(job, 4, new JobLimits(null, null, 1_500L, null)));

		JobCompleted done = awaitCompletion(job);
		assertThat(done.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(done.reason()).isEqualTo("token budget of 1500 spent (2000 used)");
		assertExactlyOneCompletion(job);
	}

	@Test
	void costAccumulatesPerResultPerJobAndPerTenantAcrossJobs() throws Exception {
		TenantId tenant = TenantId.of("tenant-" + UUID.randomUUID());
		JobId first = JobId.random();
		JobId second = JobId.random();
		publishEvent(accepted(first, 2, tenant, JobLimits.DEFAULTS));
		publishEvent(accepted(second, 1, tenant, JobLimits.DEFAULTS));
		Usage small = new Usage(1_000, 200, 1, 0, new BigDecimal("0.00027"));
		Usage large = new Usage(20_000, 3_000, 4, 3, new BigDecimal("0.08"));
		Usage retried = new Usage(500, 0, 1, 0, new BigDecimal("0.000075"));
		publishResults(List.of(completed(first, 0, 1, small, tenant), failed(first, 1, 1, true, false, retried, tenant),
				completed(first, 1, 2, large, tenant), completed(second, 0, 1, small, tenant)));

		JobCompleted firstDone = awaitCompletion(first);
		JobCompleted secondDone = awaitCompletion(second);
		assertThat(firstDone.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(firstDone.reason()).isNull();
		assertThat(firstDone.usage()).isEqualTo(new Usage(21_500, 3_200, 6, 3, new BigDecimal("0.080345")));
		assertThat(secondDone.usage()).isEqualTo(small);
		assertThat(resultsPage(first, tenant.value(), 0, 10).items()).extracting(TaskResultView::usage)
			.containsExactly(small, large);

		TenantUsage usage = tenantUsage(tenant.value());
		assertThat(usage.tenant()).isEqualTo(tenant);
		assertThat(usage.jobs()).isEqualTo(2);
		assertThat(usage.usage()).isEqualTo(new Usage(22_500, 3_400, 7, 3, new BigDecimal("0.080615")));
		assertThat(usage.updatedAt()).isNotNull();

		TenantUsage nobody = tenantUsage("tenant-" + UUID.randomUUID());
		assertThat(nobody.usage()).isEqualTo(Usage.NONE);
		assertThat(nobody.jobs()).isZero();
		assertThat(get("/internal/v1/usage", null).statusCode()).isEqualTo(400);
	}

	private JobAccepted accepted(JobId job, int total) {
		return accepted(job, total, TENANT, JobLimits.DEFAULTS);
	}

	private JobAccepted accepted(JobId job, int total, JobLimits limits) {
		return accepted(job, total, TENANT, limits);
	}

	private JobAccepted accepted(JobId job, int total, TenantId tenant, JobLimits limits) {
		Instant now = Instant.now();
		return new JobAccepted(job, tenant, "summarizer", total, ReduceStrategy.COLLECT, now.plusSeconds(3600), now,
				limits);
	}

	private static TaskId taskId(JobId job, int index) {
		return new TaskId(UUID.nameUUIDFromBytes((job + ":task:" + index).getBytes(StandardCharsets.UTF_8)));
	}

	private static String inputId(int index) {
		return "input-%05d".formatted(index);
	}

	private static TaskCompleted completed(JobId job, int index, int attempt) {
		Instant now = Instant.now();
		return new TaskCompleted(job, taskId(job, index), TENANT, inputId(index), attempt, AgentId.of("agent-" + attempt),
				"summary of " + inputId(index), new Usage(10, 5, 1), now.minusMillis(5), now);
	}

	private static TaskCompleted completed(JobId job, int index, int attempt, Usage usage, TenantId tenant) {
		Instant now = Instant.now();
		return new TaskCompleted(job, taskId(job, index), tenant, inputId(index), attempt, AgentId.of("agent-" + attempt),
				"summary of " + inputId(index), usage, now.minusMillis(5), now);
	}

	private static TaskFailed failed(JobId job, int index, int attempt, boolean retryable, boolean finalAttempt,
			Usage usage, TenantId tenant) {
		return new TaskFailed(job, taskId(job, index), tenant, inputId(index), attempt, AgentId.of("agent-" + attempt),
				"agent gave up on " + inputId(index), retryable, finalAttempt, Instant.now(), usage, List.of());
	}

	private static TaskFailed failed(JobId job, int index, int attempt, boolean retryable, boolean finalAttempt) {
		return new TaskFailed(job, taskId(job, index), TENANT, inputId(index), attempt, AgentId.of("agent-" + attempt),
				"agent gave up on " + inputId(index), retryable, finalAttempt, Instant.now());
	}

	/** The deterministic message id of docs/message-flow.md. */
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
		UUID messageId = UUID.randomUUID();
		publisher.publish(Outgoing.to(Destinations.EVENTS, event.routingKey(), event)
			.withMessageId(messageId)
			.withTenant(TENANT)).join();
		return messageId;
	}

	private void publishBurst(List<TaskResult> results) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(TestBroker.HOST);
		factory.setPort(TestBroker.PORT);
		factory.setVirtualHost(env.broker().vhost());
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			channel.confirmSelect();
			for (TaskResult result : results) {
				AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
					.deliveryMode(2)
					.messageId(messageId(result).toString())
					.type(result.getClass().getSimpleName())
					.headers(Map.of(Headers.TENANT, TENANT.value()))
					.build();
				channel.basicPublish(Destinations.RESULTS, Destinations.resultRoutingKey(result, CAPABILITY), properties,
						codec.encode(result));
			}
			channel.waitForConfirmsOrDie(WAIT.toMillis());
		}
	}

	private void publishRaw(UUID messageId, String body) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setMessageId(messageId.toString());
		publisher.publishRaw(Destinations.RESULTS, Destinations.RESULT_COMPLETED_PREFIX + CAPABILITY,
				new Message(body.getBytes(StandardCharsets.UTF_8), properties)).join();
	}

	private JobCompleted awaitCompletion(JobId job) {
		return Await.untilValue(WAIT, "JobCompleted of " + job, () -> completionsOf(job), list -> !list.isEmpty())
			.getFirst();
	}

	/** Exactly one in the outbox, and once the outbox is drained, exactly one on the queue. */
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
		drain(COMPLETED_QUEUE, JobCompleted.class, completions);
		return completions.stream().filter(event -> event.jobId().equals(job)).toList();
	}

	private List<JobProgressed> progressOf(JobId job) {
		drain(PROGRESS_QUEUE, JobProgressed.class, progressions);
		return progressions.stream().filter(event -> event.jobId().equals(job)).toList();
	}

	private <T> void drain(String queue, Class<T> type, List<T> into) {
		Message message;
		while ((message = rabbit.receive(queue)) != null) {
			into.add(codec.decode(message.getBody(), type));
		}
	}

	private int storedResults(JobId job) {
		return jdbc.queryForObject("select count(*) from task_results where job_id = ?", Integer.class, job.value());
	}

	private int claimed(List<UUID> messageIds) {
		return jdbc.queryForObject(
				"select count(*) from colony_inbox where consumer = 'aggregator.results' and message_id = any(?)",
				Integer.class, (Object) messageIds.toArray(UUID[]::new));
	}

	private TenantUsage tenantUsage(String tenant) throws Exception {
		HttpResponse<String> response = get("/internal/v1/usage", tenant);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return codec.decode(response.body().getBytes(StandardCharsets.UTF_8), TenantUsage.class);
	}

	private ResultsPage resultsPage(JobId job, String tenant, int page, int size) throws Exception {
		HttpResponse<String> response = get("/internal/v1/jobs/" + job + "/results?page=" + page + "&size=" + size,
				tenant);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return codec.decode(response.body().getBytes(StandardCharsets.UTF_8), ResultsPage.class);
	}

	private HttpResponse<String> get(String path, String tenant) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
		if (tenant != null) {
			request.header("X-Colony-Tenant", tenant);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void assertProblem(HttpResponse<String> response, int status, String detail) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		Map<?, ?> problem = codec.decode(response.body().getBytes(StandardCharsets.UTF_8), Map.class);
		assertThat(problem.get("status")).isEqualTo(status);
		assertThat(problem.get("detail").toString()).contains(detail);
	}
}
