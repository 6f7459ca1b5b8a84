package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSpec;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Pipeline;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.Supervisor;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskBudget;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskRole;
import io.colony.contracts.TenantId;
import io.colony.orchestrator.budget.BudgetDecision;
import io.colony.orchestrator.budget.JobBudgets;
import io.colony.orchestrator.capability.AgentQueues;
import io.colony.orchestrator.capability.CapabilityAnswer;
import io.colony.orchestrator.capability.CapabilityDirectory;
import io.colony.orchestrator.flow.PlannedTask;
import io.colony.orchestrator.flow.TaskGraph;
import io.colony.orchestrator.pipeline.PipelineTasks;
import io.colony.orchestrator.supervisor.PlanParser;
import io.colony.orchestrator.supervisor.SupervisorTasks;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Accepts a {@link SubmitJob}: the job, its tasks and their messages ({@code JobAccepted} first, then one
 * {@code TaskAssigned} per task) are written in one transaction, so either all of them exist or none does.
 * A job whose minimum cost is already over its budget (or its tenant's) is refused before anything is written, and
 * so is one over its tenant's concurrent-job quota ({@link ActiveJobQuota}, decided in that same transaction under a
 * per-tenant lock, so that it holds across orchestrator instances).
 * A job whose agent type no live agent serves is refused too, unless it asks to be held
 * ({@link NoAgentPolicy#HOLD}): then it is accepted without {@code TaskAssigned}, and {@code HeldJobs} sends
 * them once an agent serves the type. Its budget is then estimated at its own {@code model} only (the agent
 * type's model is not known yet).
 *
 * <p>Idempotent: a redelivered command (same job id) and a repeated submission (same tenant and
 * idempotency key, same digest) answer with the job that exists, flagged {@code replayed}, and create
 * nothing. Concurrent submissions with one key race on the {@code (tenant, idempotency_key)} constraint;
 * the losers' inserts do nothing and they answer with the winner's job.
 */
@Component
class JobSubmissions {

	private static final Logger log = LoggerFactory.getLogger(JobSubmissions.class);

	private static final int BATCH_SIZE = 1000;

	private static final String INSERT_JOB = """
			insert into jobs (job_id, tenant, idempotency_key, request_digest, pattern, agent, capability, instruction,
			                  priority, reduce_strategy, max_attempts, status, total_tasks, accepted_at, deadline, model,
			                  max_tokens, max_cost_usd, held_since, tracked, max_concurrency, success_ratio,
			                  plan_max_subtasks, plan_max_depth, specialists)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACCEPTED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			on conflict do nothing
			""";

	private static final String INSERT_TASK = """
			insert into tasks (task_id, job_id, input_id, content, position) values (?, ?, ?, ?, ?)
			""";

	private record Existing(UUID jobId, String tenant, String requestDigest, JobStatus status) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Outbox outbox;

	private final CapabilityDirectory capabilities;

	private final AgentQueues agentQueues;

	private final JobProperties properties;

	private final JobBudgets budgets;

	private final ActiveJobQuota quota;

	private final TaskGraph taskGraph;

	private final Clock clock;

	JobSubmissions(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Outbox outbox,
			CapabilityDirectory capabilities, AgentQueues agentQueues, JobProperties properties, JobBudgets budgets,
			ActiveJobQuota quota, TaskGraph taskGraph) {
		this.jdbc = jdbc;
		this.taskGraph = taskGraph;
		this.quota = quota;
		this.transactions = new TransactionTemplate(transactionManager);
		this.outbox = outbox;
		this.capabilities = capabilities;
		this.agentQueues = agentQueues;
		this.properties = properties;
		this.budgets = budgets;
		this.clock = Clock.systemUTC();
	}

	CommandReply submit(SubmitJob command) {
		SubmissionRules.Valid valid;
		switch (SubmissionRules.check(command, properties)) {
			case SubmissionRules.Invalid invalid -> {
				return invalid.rejection();
			}
			case SubmissionRules.Valid checked -> valid = checked;
		}
		Optional<CommandReply> earlier = answerForExisting(command);
		if (earlier.isPresent()) {
			return earlier.get();
		}
		JobSpec spec = valid.spec();
		// every agent type the job names must be served (a held scatter-gather job waits for its one type)
		Map<String, String> capabilityOf = new LinkedHashMap<>();
		String agentModel = null;
		boolean held = false;
		for (String agent : spec.agentTypes()) {
			String capability;
			switch (capabilities.capabilityOf(agent)) {
				case CapabilityAnswer.Served served -> {
					capability = served.capability();
					if (agent.equals(spec.agent())) {
						agentModel = served.model();
					}
				}
				case CapabilityAnswer.NoLiveAgent none -> {
					if (spec.whenNoAgent() != NoAgentPolicy.HOLD) {
						return Rejections.noLiveAgent(agent);
					}
					// held: no queue yet; the tasks are dispatched by HeldJobs once an agent serves the type
					capability = null;
					held = true;
				}
				case CapabilityAnswer.Unknown unknown -> {
					log.warn("registry not available ({}); accepting job {} for agent type '{}' on its own queue, "
							+ "where its tasks wait for a worker", unknown.why(), command.jobId(), agent);
					capability = agent;
				}
			}
			if (capability != null && !Destinations.isValidCapability(capability)) {
				return Rejections.invalidCapability(agent, capability);
			}
			capabilityOf.put(agent, capability);
		}
		String capability = held ? null : capabilityOf.get(spec.agent());
		BudgetDecision.Within budget;
		switch (budgets.decide(command.tenant(), spec, agentModel)) {
			case BudgetDecision.Within within -> budget = within;
			case BudgetDecision.OverJobBudget over -> {
				return Rejections.budgetExceeded(over.detail());
			}
			case BudgetDecision.OverTenantBudget over -> {
				return Rejections.tenantBudgetExceeded(over.detail());
			}
		}
		if (!held) {
			capabilityOf.values().forEach(agentQueues::ensureQueueFor);
		}
		return transactions.execute(status -> {
			quota.lock(command.tenant());
			// a submission of the same job or key may have committed while this one waited for the lock
			Optional<CommandReply> committedMeanwhile = answerForExisting(command);
			if (committedMeanwhile.isPresent()) {
				return committedMeanwhile.get();
			}
			Optional<CommandRejected> overQuota = quota.refusal(command.tenant());
			if (overQuota.isPresent()) {
				return overQuota.get();
			}
			Optional<CommandReply> created = create(command, valid, capability, capabilityOf, budget);
			if (created.isPresent()) {
				return created.get();
			}
			status.setRollbackOnly();
			return answerForExisting(command).orElseThrow(() -> new IllegalStateException(
					"job " + command.jobId() + " conflicted on insert but no conflicting job is visible"));
		});
	}

	/**
	 * Empty when another submission won the insert (same job id or same idempotency key). A {@code null}
	 * capability holds the job: it and its tasks are stored and {@code JobAccepted} is published, but no
	 * {@code TaskAssigned} until an agent serves the type.
	 */
	private Optional<CommandReply> create(SubmitJob command, SubmissionRules.Valid valid, String capability,
			Map<String, String> capabilityOf, BudgetDecision.Within budget) {
		JobSpec spec = valid.spec();
		Instant acceptedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
		Instant deadline = acceptedAt.plus(valid.deadline());
		JobId jobId = command.jobId();
		TenantId tenant = command.tenant();
		JobLimits requested = spec.limits();
		boolean tracked = !(spec instanceof ScatterGather) || requested.maxConcurrency() != null;
		String pattern = switch (spec) {
			case ScatterGather scatter -> ScatterGather.PATTERN;
			case Pipeline pipeline -> Pipeline.PATTERN;
			case Supervisor supervisor -> Supervisor.PATTERN;
		};
		String instruction = switch (spec) {
			case ScatterGather scatter -> scatter.instruction();
			case Pipeline pipeline -> pipeline.stages().getFirst().instruction();
			case Supervisor supervisor -> supervisor.instruction();
		};
		Integer planMaxSubtasks = spec instanceof Supervisor supervisor ? supervisor.plan().maxSubtasks() : null;
		Integer planMaxDepth = spec instanceof Supervisor supervisor ? supervisor.plan().maxDepth() : null;
		String[] specialists = spec instanceof Supervisor supervisor ? supervisor.specialists().toArray(String[]::new)
				: null;
		int inserted = jdbc.update(connection -> {
			PreparedStatement statement = connection.prepareStatement(INSERT_JOB);
			Object[] values = { jobId.value(), tenant.value(), command.idempotencyKey(), command.requestDigest(),
					pattern, spec.agent(), capability, instruction, spec.priority().wireName(),
					spec.reduce().strategy().wireName(), valid.maxAttempts(), spec.taskCount(),
					Timestamp.from(acceptedAt), Timestamp.from(deadline), spec.model(), budget.maxTokens(),
					budget.maxCostUsd(), capability == null ? Timestamp.from(acceptedAt) : null, tracked,
					requested.maxConcurrency(), requested.successRatio(), planMaxSubtasks, planMaxDepth,
					specialists == null ? null : connection.createArrayOf("text", specialists) };
			for (int i = 0; i < values.length; i++) {
				statement.setObject(i + 1, values[i]);
			}
			return statement;
		});
		if (inserted == 0) {
			return Optional.empty();
		}
		JobLimits limits = new JobLimits(valid.deadline(), valid.maxAttempts(), budget.maxTokens(),
				budget.maxCostUsd(), requested.maxConcurrency(), requested.successRatio());
		outbox.append(new OutboxMessage(Destinations.EVENTS, Destinations.JOB_ACCEPTED,
				new JobAccepted(jobId, tenant, spec.agent(), spec.taskCount(), spec.reduce().strategy(), deadline,
						acceptedAt, limits, spec instanceof Supervisor),
				messageId(jobId.value(), "accepted"), tenant, null, null));
		if (tracked) {
			List<PlannedTask> tasks = switch (spec) {
				case ScatterGather scatter -> scatter.inputs()
					.stream()
					.map(input -> new PlannedTask(UUID.randomUUID(), input.id(), input.content(), TaskRole.WORK, 0,
							List.of(), null, null, null, null, true))
					.toList();
				case Pipeline pipeline -> PipelineTasks.layout(pipeline, capabilityOf);
				case Supervisor supervisor -> SupervisorTasks.initial(supervisor,
						PlanParser.Limits.of(planMaxSubtasks, planMaxDepth));
			};
			taskGraph.insert(jobId.value(), tasks, 0);
			if (capability == null) {
				log.info("job {} held: no live agent serves agent type '{}' yet", jobId, spec.agent());
			}
			else {
				taskGraph.dispatchReady(jobId.value());
			}
			return Optional.of(new JobSubmitted(jobId, JobStatus.ACCEPTED, false));
		}
		ScatterGather scatter = (ScatterGather) spec;
		List<TaskId> taskIds = new ArrayList<>(scatter.inputs().size());
		for (int i = 0; i < scatter.inputs().size(); i++) {
			taskIds.add(TaskId.random());
		}
		List<Integer> positions = IntStream.range(0, taskIds.size()).boxed().toList();
		jdbc.batchUpdate(INSERT_TASK, positions, BATCH_SIZE, (statement, i) -> {
			JobInput input = scatter.inputs().get(i);
			statement.setObject(1, taskIds.get(i).value());
			statement.setObject(2, jobId.value());
			statement.setString(3, input.id());
			statement.setString(4, input.content());
			statement.setInt(5, i);
		});
		if (capability == null) {
			log.info("job {} held: no live agent serves agent type '{}' yet", jobId, spec.agent());
			return Optional.of(new JobSubmitted(jobId, JobStatus.ACCEPTED, false));
		}
		List<OutboxMessage> messages = new ArrayList<>(taskIds.size());
		TaskBudget taskBudget = TaskAssignments.budget(budget.maxTokens(), budget.maxCostUsd());
		for (int i = 0; i < taskIds.size(); i++) {
			TaskId taskId = taskIds.get(i);
			TaskAssigned task = new TaskAssigned(jobId, taskId, tenant, spec.agent(), capability, 1,
					valid.maxAttempts(), scatter.instruction(), scatter.inputs().get(i), spec.priority(), deadline,
					acceptedAt, spec.model(), taskBudget);
			messages.add(TaskAssignments.outboxMessage(task, null));
		}
		outbox.appendAll(messages);
		return Optional.of(new JobSubmitted(jobId, JobStatus.ACCEPTED, false));
	}

	/** The answer when this command's job, or the job of its idempotency key, already exists. */
	private Optional<CommandReply> answerForExisting(SubmitJob command) {
		Optional<Existing> sameId = find("where job_id = ?", command.jobId().value());
		if (sameId.isPresent()) {
			Existing existing = sameId.get();
			if (!existing.tenant().equals(command.tenant().value())) {
				return Optional.of(Rejections.jobIdConflict(command.jobId()));
			}
			return Optional.of(new JobSubmitted(new JobId(existing.jobId()), existing.status(), true));
		}
		if (command.idempotencyKey() == null) {
			return Optional.empty();
		}
		return find("where tenant = ? and idempotency_key = ?", command.tenant().value(), command.idempotencyKey())
			.<CommandReply>map(existing -> Objects.equals(existing.requestDigest(), command.requestDigest())
					? new JobSubmitted(new JobId(existing.jobId()), existing.status(), true)
					: Rejections.idempotencyKeyReuse(command.idempotencyKey()));
	}

	private Optional<Existing> find(String where, Object... args) {
		return jdbc.query("select job_id, tenant, request_digest, status from jobs " + where,
				(rs, n) -> new Existing(rs.getObject("job_id", UUID.class), rs.getString("tenant"),
						rs.getString("request_digest"), JobStatus.valueOf(rs.getString("status"))),
				args).stream().findFirst();
	}

	private static UUID messageId(UUID jobId, String what) {
		return UUID.nameUUIDFromBytes((jobId + ":" + what).getBytes(StandardCharsets.UTF_8));
	}
}
