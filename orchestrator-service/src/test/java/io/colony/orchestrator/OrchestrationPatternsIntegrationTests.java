package io.colony.orchestrator;

import io.colony.contracts.AgentId;
import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.FanOut;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobPlanChanged;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobSpec;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.JobView;
import io.colony.contracts.MissingTask;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.PlanLimits;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.Supervisor;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskMessage;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TaskRole;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.CommandClient;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelines, supervisors and concurrency caps against the real RabbitMQ and PostgreSQL: jobs submitted through the
 * command queue, every dispatched task read from {@code colony.tasks} (a test queue bound to {@code task.#}), results
 * published the way workers publish them (tracked successes on {@code result.completed.tracked.<capability>}), and
 * what the orchestrator decided read from its outbox, its tables, its events and its job view.
 */
@ExtendWith(OrchestrationPatternsIntegrationTests.DropEnvironmentAfterContext.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "colony.orchestrator.retry-backoff=PT0.2S", "colony.outbox.poll-interval=PT0.1S",
				"colony.orchestrator.deadline-sweep=PT0.2S", "colony.orchestrator.held-job-poll=PT0.2S" })
@DirtiesContext
class OrchestrationPatternsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String EVENTS_QUEUE = "test.pattern-events";

	private static final String TASKS_QUEUE = "test.pattern-tasks";

	private static final TenantId ACME = TenantId.of("acme");

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final StubRegistry registry = StubRegistry.start();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry properties) {
		env.properties().forEach((key, value) -> properties.add(key, () -> value));
		properties.add("colony.orchestrator.registry-url", registry::url);
	}

	static final class DropEnvironmentAfterContext implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext context) {
			registry.close();
			env.close();
		}
	}

	private static final List<JobEvent> events = new CopyOnWriteArrayList<>();

	private static final List<TaskAssigned> dispatched = new CopyOnWriteArrayList<>();

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
	void listen() {
		admin.declareQueue(new Queue(EVENTS_QUEUE, true, false, false));
		admin.declareBinding(new Binding(EVENTS_QUEUE, Binding.DestinationType.QUEUE, Destinations.EVENTS, "job.#", null));
		admin.declareQueue(new Queue(TASKS_QUEUE, true, false, false));
		admin.declareBinding(new Binding(TASKS_QUEUE, Binding.DestinationType.QUEUE, Destinations.TASKS, "task.#", null));
	}

	@Test
	void aPipelineRunsStageAfterStageOverThePreviousOutputs() throws Exception {
		String gatherer = agentType("gatherer");
		String analyst = agentType("analyst");
		String scorer = agentType("scorer");
		SubmitJob command = submit(new Pipeline(inputs("a", "b"),
				List.of(new PipelineStage("gather", gatherer, "gather facts", null),
						new PipelineStage("analyse", analyst, "analyse them", FanOut.ONCE),
						new PipelineStage("score", scorer, "score it", FanOut.PER_INPUT)),
				null, null, null, null, null));

		assertThat(send(command)).isEqualTo(new JobSubmitted(command.jobId(), JobStatus.ACCEPTED, false));
		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId(), event -> true);
		assertThat(accepted.totalTasks()).isEqualTo(4);
		assertThat(accepted.planOpen()).isFalse();

		List<TaskAssigned> gather = awaitTasks(command.jobId(), 2);
		assertThat(gather).extracting(task -> task.input().id()).containsExactlyInAnyOrder("gather/a", "gather/b");
		assertThat(gather).allSatisfy(task -> {
			assertThat(task.tracked()).isTrue();
			assertThat(task.role()).isEqualTo(TaskRole.WORK);
			assertThat(task.agentType()).isEqualTo(gatherer);
			assertThat(task.capability()).isEqualTo(StubRegistry.capabilityOf(gatherer));
			assertThat(task.instruction()).isEqualTo("gather facts");
		});
		assertThat(byInput(gather, "gather/a").input().content()).isEqualTo("content of a");

		awaitHandled(complete(byInput(gather, "gather/a"), "facts about a"));
		assertThat(assignedRows(command.jobId())).as("the once stage waits for every item").isEqualTo(2);

		awaitHandled(complete(byInput(gather, "gather/b"), "facts about b"));
		TaskAssigned analyse = awaitTasks(command.jobId(), 3).get(2);
		assertThat(analyse.input().id()).isEqualTo("analyse");
		assertThat(analyse.agentType()).isEqualTo(analyst);
		assertThat(analyse.capability()).isEqualTo(StubRegistry.capabilityOf(analyst));
		assertThat(analyse.instruction()).isEqualTo("analyse them");
		assertThat(analyse.input().content())
			.isEqualTo("## gather/a\nfacts about a\n\n## gather/b\nfacts about b\n");

		awaitHandled(complete(analyse, "the analysis"));
		TaskAssigned score = awaitTasks(command.jobId(), 4).get(3);
		assertThat(score.input().id()).isEqualTo("score/analyse");
		assertThat(score.capability()).isEqualTo(StubRegistry.capabilityOf(scorer));
		assertThat(score.input().content()).isEqualTo("the analysis");

		awaitHandled(complete(score, "9/10"));
		assertThat(taskStatuses(command.jobId())).containsOnly("SUCCEEDED");
		assertThat(outboxRows("JobPlanChanged", command.jobId())).isZero();
	}

	@Test
	void anItemThatFailsInTheMiddleIsSkippedLaterAndTheTotalShrinks() throws Exception {
		String agent = agentType("worker");
		SubmitJob command = submit(threeStages(agent, "a", "b"));
		send(command);
		List<TaskAssigned> first = awaitTasks(command.jobId(), 2);
		awaitHandled(complete(byInput(first, "gather/a"), "A1"));
		awaitHandled(complete(byInput(first, "gather/b"), "B1"));
		List<TaskAssigned> second = awaitTasks(command.jobId(), 4).subList(2, 4);
		assertThat(second).extracting(task -> task.input().id()).containsExactlyInAnyOrder("analyse/a", "analyse/b");
		assertThat(byInput(second, "analyse/a").input().content()).isEqualTo("A1");

		awaitHandled(fail(byInput(second, "analyse/a"), "analysis crashed"));

		JobPlanChanged changed = awaitEvent(JobPlanChanged.class, command.jobId(), event -> true);
		assertThat(changed.totalTasks()).isEqualTo(5);
		assertThat(changed.open()).isFalse();
		assertThat(changed.failure()).isNull();
		assertThat(taskStatus(command.jobId(), "score/a")).isEqualTo("SKIPPED");
		assertThat(lastError(command.jobId(), "score/a")).contains("analyse/a").contains("analysis crashed");

		awaitHandled(complete(byInput(second, "analyse/b"), "B2"));
		TaskAssigned scoreB = awaitTasks(command.jobId(), 5).get(4);
		assertThat(scoreB.input()).isEqualTo(new JobInput("score/b", "B2"));
		assertThat(assignedRows(command.jobId())).as("score/a is never dispatched").isEqualTo(5);
	}

	@Test
	void aStageThatFailsForEveryItemFailsThePipeline() throws Exception {
		String agent = agentType("worker");
		SubmitJob command = submit(threeStages(agent, "a", "b"));
		send(command);
		List<TaskAssigned> first = awaitTasks(command.jobId(), 2);
		awaitHandled(complete(byInput(first, "gather/a"), "A1"));
		awaitHandled(complete(byInput(first, "gather/b"), "B1"));
		List<TaskAssigned> second = awaitTasks(command.jobId(), 4).subList(2, 4);

		awaitHandled(fail(byInput(second, "analyse/a"), "no data in a"));
		awaitHandled(fail(byInput(second, "analyse/b"), "no data in b"));

		JobPlanChanged last = awaitEvent(JobPlanChanged.class, command.jobId(), event -> event.totalTasks() == 4);
		assertThat(last.failure()).isEqualTo("stage 2 (analyse) failed for every item: no data in a");
		assertThat(outboxRows("JobPlanChanged", command.jobId())).isEqualTo(2);
		assertThat(assignedRows(command.jobId())).isEqualTo(4);
	}

	@Test
	void aSupervisorsPlanRunsSpecialistsInParallelThenComposesTheirOutputs() throws Exception {
		String supervisor = agentType("supervisor");
		String researcher = agentType("researcher");
		String critic = agentType("critic");
		SubmitJob command = submit(new Supervisor(supervisor, "review this change", new JobInput("pr-1", "the diff"),
				List.of(researcher, critic), null, null, null, null, null, null));
		send(command);
		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId(), event -> true);
		assertThat(accepted.totalTasks()).isEqualTo(2);
		assertThat(accepted.planOpen()).isTrue();

		TaskAssigned plan = awaitTasks(command.jobId(), 1).getFirst();
		assertThat(plan.role()).isEqualTo(TaskRole.PLAN);
		assertThat(plan.tracked()).isTrue();
		assertThat(plan.input()).isEqualTo(new JobInput("plan", "the diff"));
		assertThat(plan.capability()).isEqualTo(StubRegistry.capabilityOf(supervisor));
		assertThat(plan.instruction()).startsWith("review this change").contains("ONLY").contains(researcher)
			.contains(critic);

		awaitHandled(complete(plan, """
				Here is my plan:
				```json
				{"subtasks": [
				  {"id": "research", "agent": "%s", "instruction": "sum up", "subtasks": [
				    {"id": "facts", "agent": "%s", "instruction": "find facts", "input": "facts input"},
				    {"id": "risks", "agent": "%s", "instruction": "find risks"}]},
				  {"id": "style", "agent": "%s", "instruction": "check style"}]}
				```
				""".formatted(researcher, critic, researcher, critic)));

		JobPlanChanged changed = awaitEvent(JobPlanChanged.class, command.jobId(), event -> true);
		assertThat(changed).extracting(JobPlanChanged::totalTasks, JobPlanChanged::open, JobPlanChanged::failure)
			.containsExactly(6, false, null);
		List<TaskAssigned> leaves = awaitTasks(command.jobId(), 4).subList(1, 4);
		assertThat(leaves).extracting(task -> task.input().id()).containsExactlyInAnyOrder("facts", "risks", "style");
		assertThat(byInput(leaves, "facts").capability()).isEqualTo(StubRegistry.capabilityOf(critic));
		assertThat(byInput(leaves, "facts").input().content()).isEqualTo("facts input");
		assertThat(byInput(leaves, "risks").capability()).isEqualTo(StubRegistry.capabilityOf(researcher));
		assertThat(byInput(leaves, "risks").input().content()).isEqualTo("the diff");
		assertThat(byInput(leaves, "style").instruction()).isEqualTo("check style");
		assertThat(leaves).allSatisfy(task -> assertThat(task.tracked()).isTrue());

		awaitHandled(complete(byInput(leaves, "facts"), "F"));
		awaitHandled(complete(byInput(leaves, "style"), "S"));
		assertThat(assignedRows(command.jobId())).as("research waits for risks").isEqualTo(4);
		awaitHandled(fail(byInput(leaves, "risks"), "risk model down"));
		TaskAssigned research = awaitTasks(command.jobId(), 5).get(4);
		assertThat(research.input().id()).isEqualTo("research");
		assertThat(research.capability()).isEqualTo(StubRegistry.capabilityOf(researcher));
		assertThat(research.input().content()).isEqualTo("the diff\n\n## facts (" + critic + ")\nF\n");

		awaitHandled(complete(research, "R"));
		TaskAssigned answer = awaitTasks(command.jobId(), 6).get(5);
		assertThat(answer.role()).isEqualTo(TaskRole.COMPOSE);
		assertThat(answer.input().id()).isEqualTo("answer");
		assertThat(answer.capability()).isEqualTo(StubRegistry.capabilityOf(supervisor));
		assertThat(answer.instruction()).startsWith("review this change");
		assertThat(answer.input().content()).isEqualTo("## request\nthe diff\n\n## research (" + researcher
				+ ")\nR\n\n## style (" + critic + ")\nS\n");
	}

	@Test
	void anInvalidPlanFailsTheJobWithAClearReasonAndDispatchesNothing() throws Exception {
		String specialist = agentType("specialist");
		String ghost = agentType("ghost-specialist");
		Map<String, String> answers = new java.util.LinkedHashMap<>();
		answers.put("I would rather not plan.", "holds no JSON object");
		answers.put("{\"subtasks\": [{\"agent\": }]}", "not valid JSON");
		answers.put("{\"subtasks\": []}", "no sub-tasks");
		answers.put("{\"steps\": []}", "'subtasks' array");
		answers.put(plan(3, specialist), "3 sub-tasks, more than the 2 allowed");
		answers.put("{\"subtasks\": [{\"agent\": \"%s\", \"instruction\": \"x\", \"subtasks\": [{\"agent\": \"%s\", \"instruction\": \"y\"}]}]}"
			.formatted(specialist, specialist), "nests sub-tasks 2 deep, more than the 1 allowed");
		answers.put("{\"subtasks\": [{\"agent\": \"stranger\", \"instruction\": \"x\"}]}", "'stranger' is not one of the specialists");
		answers.put("{\"subtasks\": [{\"agent\": \"%s\", \"instruction\": \" \"}]}".formatted(specialist), "instruction must not be blank");
		for (Map.Entry<String, String> answer : answers.entrySet()) {
			SubmitJob command = submit(new Supervisor(agentType("supervisor"), "plan it", new JobInput("q", "question"),
					List.of(specialist), new PlanLimits(2, 1), null, null, null, null, null));
			send(command);
			awaitHandled(complete(awaitTasks(command.jobId(), 1).getFirst(), answer.getKey()));
			JobPlanChanged changed = awaitEvent(JobPlanChanged.class, command.jobId(), event -> true);
			assertThat(changed.totalTasks()).as(answer.getKey()).isEqualTo(1);
			assertThat(changed.failure()).as(answer.getKey()).startsWith("invalid plan: ").contains(answer.getValue());
			assertThat(assignedRows(command.jobId())).as(answer.getKey()).isEqualTo(1);
			assertThat(taskStatus(command.jobId(), "answer")).isEqualTo("SKIPPED");
		}

		SubmitJob anyType = submit(new Supervisor(agentType("supervisor"), "plan it", new JobInput("q", "question"),
				List.of(), null, null, null, null, null, null));
		send(anyType);
		awaitHandled(complete(awaitTasks(anyType.jobId(), 1).getFirst(),
				"{\"subtasks\": [{\"agent\": \"%s\", \"instruction\": \"x\"}]}".formatted(ghost)));
		assertThat(awaitEvent(JobPlanChanged.class, anyType.jobId(), event -> true).failure())
			.isEqualTo("invalid plan: no live agent serves agent type '" + ghost + "'");
		assertThat(assignedRows(anyType.jobId())).isEqualTo(1);

		SubmitJob planFails = submit(new Supervisor(agentType("supervisor"), "plan it", new JobInput("q", "question"),
				List.of(specialist), null, null, null, null, null, null));
		send(planFails);
		awaitHandled(fail(awaitTasks(planFails.jobId(), 1).getFirst(), "model refused"));
		JobPlanChanged failed = awaitEvent(JobPlanChanged.class, planFails.jobId(), event -> true);
		assertThat(failed.failure()).isEqualTo("supervisor failed to plan: model refused");
		assertThat(failed.totalTasks()).isEqualTo(1);
	}

	@Test
	void aSupervisorWhoseSpecialistsAllFailedFailsWithoutComposing() throws Exception {
		String specialist = agentType("specialist");
		SubmitJob command = submit(new Supervisor(agentType("supervisor"), "plan it", new JobInput("q", "question"),
				List.of(), null, null, null, null, null, null));
		send(command);
		awaitHandled(complete(awaitTasks(command.jobId(), 1).getFirst(), plan(2, specialist)));
		List<TaskAssigned> specialists = awaitTasks(command.jobId(), 3).subList(1, 3);
		assertThat(specialists).extracting(task -> task.input().id()).containsExactlyInAnyOrder("subtask1", "subtask2");

		awaitHandled(fail(specialists.get(0), "first broke"));
		awaitHandled(fail(specialists.get(1), "second broke"));

		JobPlanChanged failed = awaitEvent(JobPlanChanged.class, command.jobId(), event -> event.failure() != null);
		assertThat(failed.failure()).isEqualTo("every specialist failed");
		assertThat(failed.totalTasks()).isEqualTo(3);
		assertThat(taskStatus(command.jobId(), "answer")).isEqualTo("SKIPPED");
		assertThat(assignedRows(command.jobId())).isEqualTo(3);
	}

	@Test
	void aCappedJobPastItsDeadlineDispatchesNothingMoreAndListsWhatIsMissing() throws Exception {
		String agent = agentType("slow");
		SubmitJob command = submit(new ScatterGather(agent, "summarise", inputs(3), null, null,
				new JobLimits(Duration.ofSeconds(2), null, null, null, 1, new java.math.BigDecimal("0.5"))));
		send(command);
		assertThat(awaitEvent(JobAccepted.class, command.jobId(), event -> true).limits().successRatio())
			.isEqualByComparingTo("0.5");
		TaskAssigned first = awaitTasks(command.jobId(), 1).getFirst();
		awaitEvent(io.colony.contracts.JobDeadlineReached.class, command.jobId(), event -> true);

		awaitHandled(complete(first, "made it"));
		assertThat(assignedRows(command.jobId())).as("nothing is dispatched past the deadline").isEqualTo(1);

		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.PARTIAL, new TaskCounts(3, 1, 0, 0),
				Usage.NONE, new JobResult(ReduceStrategy.COLLECT, 1, "1 of 3 tasks succeeded"), Instant.now(),
				"the job's deadline passed"));
		Await.until(WAIT, "the job to end", () -> view(command.jobId()).status() == JobStatus.PARTIAL);
		assertThat(taskStatuses(command.jobId())).containsExactlyInAnyOrder("SUCCEEDED", "ABANDONED", "ABANDONED");
		assertThat(view(command.jobId()).missing()).containsExactly(
				new MissingTask("in-1", "unfinished", "deadline reached"),
				new MissingTask("in-2", "unfinished", "deadline reached"));
	}

	@Test
	void aTaskThatSucceedsJustAfterItsJobClosedCountsAsSucceededAndIsNotMissing() throws Exception {
		String agent = agentType("late");
		SubmitJob command = submit(new ScatterGather(agent, "summarise", inputs(3), null, null,
				new JobLimits(Duration.ofSeconds(2), null, null, null, 1, null)));
		send(command);
		TaskAssigned running = awaitTasks(command.jobId(), 1).getFirst();
		awaitEvent(io.colony.contracts.JobDeadlineReached.class, command.jobId(), event -> true);
		// the aggregator closed the job before the running task's result reached it
		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.PARTIAL, new TaskCounts(3, 0, 0, 3),
				Usage.NONE, new JobResult(ReduceStrategy.COLLECT, 0, "0 of 3 tasks succeeded"), Instant.now(),
				"the job's deadline passed"));
		Await.until(WAIT, "the job to end", () -> view(command.jobId()).status() == JobStatus.PARTIAL);

		awaitHandled(complete(running, "just too late"));

		JobView view = view(command.jobId());
		assertThat(view.tasks().succeeded()).as("counted from the tasks, like missing").isEqualTo(1);
		assertThat(view.missing()).containsExactly(new MissingTask("in-1", "unfinished", "deadline reached"),
				new MissingTask("in-2", "unfinished", "deadline reached"));
	}

	@Test
	void aHeldCappedJobIsReleasedOnlyUpToItsCap() throws Exception {
		String agent = agentType("ghost-later");
		SubmitJob command = submit(new ScatterGather(agent, "summarise", inputs(4), null, null,
				new JobLimits(null, null, null, null, 2, null), null, io.colony.contracts.NoAgentPolicy.HOLD));
		assertThat(send(command)).isInstanceOf(JobSubmitted.class);
		assertThat(assignedRows(command.jobId())).isZero();

		registry.serve(agent, new StubRegistry.Agent("later-" + agent.substring(agent.length() - 8), 10, 0));
		List<TaskAssigned> first = awaitTasks(command.jobId(), 2);
		Await.until(WAIT, "the held job to be released", () -> jdbc.queryForObject(
				"select held_since is null from jobs where job_id = ?", Boolean.class, command.jobId().value()));
		assertThat(assignedRows(command.jobId())).isEqualTo(2);
		assertThat(first).allSatisfy(task -> assertThat(task.tracked()).isTrue());

		awaitHandled(complete(first.get(0), "one"));
		assertThat(awaitTasks(command.jobId(), 3).get(2).input().id()).isEqualTo("in-2");
		assertThat(assignedRows(command.jobId())).isEqualTo(3);
	}

	@Test
	void aConcurrencyCapOfTwoKeepsAtMostTwoTasksRunningUntilAllTenRan() throws Exception {
		String agent = agentType("capped");
		SubmitJob command = submit(new ScatterGather(agent, "summarise", inputs(10), null, null,
				new JobLimits(null, 1, null, null, 2, null)));
		send(command);
		JobAccepted accepted = awaitEvent(JobAccepted.class, command.jobId(), event -> true);
		assertThat(accepted.limits().maxConcurrency()).isEqualTo(2);
		assertThat(accepted.totalTasks()).isEqualTo(10);

		int finished = 0;
		while (finished < 10) {
			List<TaskAssigned> tasks = awaitTasks(command.jobId(), Math.min(10, finished + 2));
			assertThat(assignedRows(command.jobId()) - finished).as("unfinished tasks").isLessThanOrEqualTo(2);
			assertThat(runningTasks(command.jobId())).isLessThanOrEqualTo(2);
			TaskAssigned next = tasks.get(finished);
			assertThat(next.tracked()).isTrue();
			awaitHandled(finished % 4 == 3 ? fail(next, "final failure") : complete(next, "done " + finished));
			finished++;
		}
		// oldest first: the first two go out together (the outbox relay may publish them in either order), then one
		// more for every task that finished
		List<String> dispatched = dispatchedFor(command.jobId()).stream().map(task -> task.input().id()).toList();
		assertThat(dispatched.subList(0, 2)).containsExactlyInAnyOrder("in-0", "in-1");
		assertThat(dispatched.subList(2, 10))
			.containsExactlyElementsOf(IntStream.range(2, 10).mapToObj(i -> "in-" + i).toList());
		assertThat(assignedRows(command.jobId())).isEqualTo(10);
	}

	@Test
	void aCancelledJobNeverDispatchesItsReadyTasks() throws Exception {
		String agent = agentType("capped");
		SubmitJob command = submit(new ScatterGather(agent, "summarise", inputs(3), null, null,
				new JobLimits(null, null, null, null, 1, null)));
		send(command);
		TaskAssigned first = awaitTasks(command.jobId(), 1).getFirst();

		assertThat(commands.send(Destinations.JOB_CANCEL, new CancelJob(command.jobId(), ACME, "changed my mind"))
			.get(30, TimeUnit.SECONDS)).isInstanceOf(JobCancellationAccepted.class);
		assertThat(taskStatuses(command.jobId())).containsExactlyInAnyOrder("ASSIGNED", "ABANDONED", "ABANDONED");

		awaitHandled(complete(first, "late output"));
		assertThat(assignedRows(command.jobId())).isEqualTo(1);
		JobView view = view(command.jobId());
		assertThat(view.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(view.missing()).extracting(MissingTask::inputId, MissingTask::status, MissingTask::reason)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("in-1", "unfinished", "changed my mind"),
					org.assertj.core.groups.Tuple.tuple("in-2", "unfinished", "changed my mind"));
	}

	@Test
	void aPipelineEndedByItsDeadlineListsWhatIsMissing() throws Exception {
		String agent = agentType("worker");
		SubmitJob command = submit(new Pipeline(inputs("a", "b", "c"),
				List.of(new PipelineStage(agent, "first", null), new PipelineStage(agent, "second", null)), null,
				null, null, null, null));
		send(command);
		List<TaskAssigned> first = awaitTasks(command.jobId(), 3);
		awaitHandled(fail(byInput(first, "stage1/a"), "bad input"));
		awaitHandled(complete(byInput(first, "stage1/b"), "B1"));
		awaitTasks(command.jobId(), 4);

		publishEvent(new JobCompleted(command.jobId(), ACME, JobStatus.PARTIAL, new TaskCounts(5, 1, 1, 2),
				Usage.NONE, new JobResult(ReduceStrategy.COLLECT, 1, "deadline reached"), Instant.now(),
				"deadline reached"));
		Await.until(WAIT, "the job to end", () -> "PARTIAL".equals(jdbc.queryForObject(
				"select status from jobs where job_id = ?", String.class, command.jobId().value())));
		assertThat(taskStatus(command.jobId(), "stage2/c")).isEqualTo("ABANDONED");

		awaitHandled(complete(byInput(first, "stage1/c"), "C1"));
		assertThat(assignedRows(command.jobId())).as("stage2/c is never dispatched").isEqualTo(4);

		JobView view = view(command.jobId());
		assertThat(view.pattern()).isEqualTo("pipeline");
		assertThat(view.missing()).extracting(MissingTask::inputId, MissingTask::status)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("stage1/a", "failed"),
					org.assertj.core.groups.Tuple.tuple("stage2/a", "skipped"),
					org.assertj.core.groups.Tuple.tuple("stage2/b", "unfinished"),
					org.assertj.core.groups.Tuple.tuple("stage2/c", "unfinished"));
		assertThat(view.missing().get(0).reason()).isEqualTo("bad input");
		assertThat(view.missing().get(1).reason()).contains("stage1/a");
		assertThat(view.missing().get(2).reason()).isEqualTo("deadline reached");
	}

	@Test
	void rejectsInvalidPatternJobsAndStoresNothing() throws Exception {
		SubmitJob blankStage = submit(new Pipeline(inputs("a"),
				List.of(new PipelineStage(agentType("w"), "ok", null), new PipelineStage(" ", "ok", null)), null,
				null, null, null, null));
		assertThat(send(blankStage)).isInstanceOfSatisfying(io.colony.contracts.CommandRejected.class, rejected -> {
			assertThat(rejected.status()).isEqualTo(400);
			assertThat(rejected.detail()).contains("stages[1].agent must not be blank");
		});
		SubmitJob badCap = submit(new ScatterGather(agentType("w"), "x", inputs(1), null, null,
				new JobLimits(null, null, null, null, 0, null)));
		assertThat(send(badCap)).isInstanceOfSatisfying(io.colony.contracts.CommandRejected.class,
				rejected -> assertThat(rejected.detail()).contains("limits.maxConcurrency"));
		SubmitJob ghostStage = submit(new Pipeline(inputs("a"),
				List.of(new PipelineStage(agentType("w"), "ok", null), new PipelineStage(agentType("ghost"), "ok", null)),
				null, null, null, null, null));
		assertThat(send(ghostStage)).isInstanceOfSatisfying(io.colony.contracts.CommandRejected.class,
				rejected -> assertThat(rejected.problem()).isEqualTo("no-live-agent"));
		for (SubmitJob rejected : List.of(blankStage, badCap, ghostStage)) {
			assertThat(jdbc.queryForObject("select count(*) from jobs where job_id = ?", Integer.class,
					rejected.jobId().value())).isZero();
		}
	}

	private static Pipeline threeStages(String agent, String... ids) {
		return new Pipeline(inputs(ids), List.of(new PipelineStage("gather", agent, "gather", null),
				new PipelineStage("analyse", agent, "analyse", null), new PipelineStage("score", agent, "score", null)),
				null, null, null, null, null);
	}

	private static String plan(int subtasks, String agent) {
		List<String> nodes = new ArrayList<>();
		for (int i = 0; i < subtasks; i++) {
			nodes.add("{\"agent\": \"" + agent + "\", \"instruction\": \"part " + i + "\"}");
		}
		return "{\"subtasks\": [" + String.join(", ", nodes) + "]}";
	}

	private CommandReply send(ColonyCommand command) throws Exception {
		return commands.send(Destinations.JOB_SUBMIT, command).get(30, TimeUnit.SECONDS);
	}

	private static SubmitJob submit(JobSpec spec) {
		return new SubmitJob(JobId.random(), ACME, null, "digest", spec, Instant.now());
	}

	private static List<JobInput> inputs(String... ids) {
		return java.util.Arrays.stream(ids).map(id -> new JobInput(id, "content of " + id)).toList();
	}

	private static List<JobInput> inputs(int count) {
		return IntStream.range(0, count).mapToObj(i -> new JobInput("in-" + i, "content " + i)).toList();
	}

	private static String agentType(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static TaskAssigned byInput(List<TaskAssigned> tasks, String inputId) {
		return tasks.stream().filter(task -> task.input().id().equals(inputId)).findFirst().orElseThrow();
	}

	private void drainTasks() {
		Message message;
		while ((message = rabbit.receive(TASKS_QUEUE)) != null) {
			dispatched.add((TaskAssigned) codec.decode(message.getBody(), TaskMessage.class));
		}
	}

	private List<TaskAssigned> dispatchedFor(JobId jobId) {
		drainTasks();
		return dispatched.stream().filter(task -> task.jobId().equals(jobId)).toList();
	}

	/** The first {@code count} tasks dispatched for the job, in the order they were published. */
	private List<TaskAssigned> awaitTasks(JobId jobId, int count) {
		return Await.untilValue(WAIT, count + " tasks of " + jobId, () -> dispatchedFor(jobId),
				tasks -> tasks.size() >= count).subList(0, count);
	}

	private <E extends JobEvent> E awaitEvent(Class<E> type, JobId jobId, Predicate<E> accept) {
		JobEvent found = Await.untilValue(WAIT, type.getSimpleName() + " of " + jobId, () -> {
			Message message;
			while ((message = rabbit.receive(EVENTS_QUEUE)) != null) {
				events.add(codec.decode(message.getBody(), JobEvent.class));
			}
			return events.stream()
				.filter(event -> type.isInstance(event) && jobId.equals(event.jobId()) && accept.test(type.cast(event)))
				.findFirst()
				.orElse(null);
		}, event -> event != null);
		return type.cast(found);
	}

	private UUID complete(TaskAssigned task, String output) throws Exception {
		TaskCompleted completed = new TaskCompleted(task.jobId(), task.taskId(), task.tenant(), task.input().id(),
				task.attempt(), AgentId.of("agent-1"), output, Usage.NONE, Instant.now(), Instant.now());
		return publishResult(completed, task);
	}

	private UUID fail(TaskAssigned task, String reason) throws Exception {
		TaskFailed failed = new TaskFailed(task.jobId(), task.taskId(), task.tenant(), task.input().id(),
				task.attempt(), AgentId.of("agent-1"), reason, false, true, Instant.now());
		return publishResult(failed, task);
	}

	private UUID publishResult(TaskResult result, TaskAssigned task) throws Exception {
		UUID messageId = UUID.randomUUID();
		publisher.publish(Outgoing.to(Destinations.RESULTS,
				Destinations.resultRoutingKey(result, task.capability(), task.tracked()), result)
			.withMessageId(messageId)
			.withTenant(task.tenant())).get(10, TimeUnit.SECONDS);
		return messageId;
	}

	/** Waits until the orchestrator committed its handling of the result (the inbox claim is in that transaction). */
	private void awaitHandled(UUID messageId) {
		Await.until(WAIT, "result " + messageId + " handled", () -> jdbc.queryForObject(
				"select count(*) from colony_inbox where consumer = 'orchestrator.results' and message_id = ?",
				Integer.class, messageId) == 1);
	}

	private void publishEvent(JobEvent event) throws Exception {
		publisher.publish(Outgoing.to(Destinations.EVENTS, event.routingKey(), event).withTenant(event.tenant()))
			.get(10, TimeUnit.SECONDS);
	}

	/** How many TaskAssigned the orchestrator committed for the job (published or about to be). */
	private int assignedRows(JobId jobId) {
		return outboxRows("TaskAssigned", jobId);
	}

	private int outboxRows(String type, JobId jobId) {
		return jdbc.queryForObject("""
				select count(*) from colony_outbox
				where message_type = ? and convert_from(payload, 'UTF8')::jsonb ->> 'jobId' = ?
				""", Integer.class, type, jobId.toString());
	}

	private int runningTasks(JobId jobId) {
		return jdbc.queryForObject("select count(*) from tasks where job_id = ? and status = 'ASSIGNED'",
				Integer.class, jobId.value());
	}

	private List<String> taskStatuses(JobId jobId) {
		return jdbc.queryForList("select status from tasks where job_id = ?", String.class, jobId.value());
	}

	private String taskStatus(JobId jobId, String inputId) {
		return jdbc.queryForObject("select status from tasks where job_id = ? and input_id = ?", String.class,
				jobId.value(), inputId);
	}

	private String lastError(JobId jobId, String inputId) {
		return jdbc.queryForObject("select last_error from tasks where job_id = ? and input_id = ?", String.class,
				jobId.value(), inputId);
	}

	private JobView view(JobId jobId) {
		try {
			HttpResponse<String> response = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/v1/jobs/" + jobId))
				.header("X-Colony-Tenant", ACME.value())
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			return codec.mapper().readValue(response.body(), JobView.class);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
