package io.colony.orchestrator.flow;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobPlanChanged;
import io.colony.contracts.JobStatus;
import io.colony.contracts.Pipeline;
import io.colony.contracts.Priority;
import io.colony.contracts.Supervisor;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskRole;
import io.colony.contracts.TenantId;
import io.colony.orchestrator.capability.AgentQueues;
import io.colony.orchestrator.capability.CapabilityAnswer;
import io.colony.orchestrator.capability.CapabilityDirectory;
import io.colony.orchestrator.job.TaskAssignments;
import io.colony.orchestrator.supervisor.Plan;
import io.colony.orchestrator.supervisor.PlanParser;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The scheduler of tracked jobs (pipelines, supervisors, jobs with a concurrency cap): records a task's final outcome,
 * releases what it unblocks and dispatches what may run.
 *
 * <p>Every method runs inside the caller's transaction, which must hold the job's row lock ({@link #lockTracked}):
 * two results of one job are then applied one after the other, so a release never misses a dependency that finished
 * at the same time and the concurrency cap is never overrun. A released task becomes {@code READY} (all its
 * dependencies finished, at least one succeeded, its input built from their outputs) or {@code SKIPPED} (none
 * succeeded), cascading; {@code READY} tasks are dispatched oldest first up to the job's cap by appending their
 * {@code TaskAssigned} to the outbox (deterministic message ids, as at submit). Nothing is dispatched for a job that
 * is over, past its deadline or held. Whenever tasks are skipped a {@code JobPlanChanged} with the new total goes
 * out in the same transaction.
 */
@Component
public class TaskGraph {

	/** Outputs kept for dependants are cut to this many characters. */
	public static final int MAX_OUTPUT_CHARS = 65_536;

	private static final Logger log = LoggerFactory.getLogger(TaskGraph.class);

	private static final int BATCH_SIZE = 1000;

	private static final Set<String> FINISHED = Set.of("SUCCEEDED", "FAILED", "SKIPPED", "ABANDONED");

	private static final String INSERT_TASK = """
			insert into tasks (task_id, job_id, input_id, content, status, role, stage, position, depends_on, gather,
			                   agent, capability, instruction, ready_at, pending)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			""";

	private static final String TASK_COLUMNS = """
			task_id, input_id, content, attempt, status, last_error, role, stage, position, depends_on, gather, output,
			agent, capability, instruction""";

	/** The job as the scheduler needs it, read under its row lock. */
	public record JobRow(UUID jobId, TenantId tenant, String pattern, String agent, String capability,
			String instruction, Priority priority, int maxAttempts, JobStatus status, Instant deadline,
			boolean deadlineFlagged, boolean held, String model, Long maxTokens, BigDecimal maxCostUsd,
			Integer maxConcurrency, Integer planMaxSubtasks, Integer planMaxDepth, List<String> specialists,
			int planVersion) {
	}

	record TaskRow(UUID taskId, String inputId, String content, int attempt, String status, String lastError,
			TaskRole role, int stage, int position, List<UUID> dependsOn, Gather gather, String output, String agent,
			String capability, String instruction) {
	}

	private final JdbcTemplate jdbc;

	private final Outbox outbox;

	private final CapabilityDirectory capabilities;

	private final AgentQueues agentQueues;

	private final Clock clock = Clock.systemUTC();

	TaskGraph(JdbcTemplate jdbc, Outbox outbox, CapabilityDirectory capabilities, AgentQueues agentQueues) {
		this.jdbc = jdbc;
		this.outbox = outbox;
		this.capabilities = capabilities;
		this.agentQueues = agentQueues;
	}

	/**
	 * Locks the job's row when its tasks are tracked; an untracked or unknown job is not locked (its results only
	 * concern the retries of one task). Call first thing in the transaction, before any task row is locked.
	 */
	public boolean lockTracked(JobId jobId) {
		Boolean tracked = jdbc.query("select tracked from jobs where job_id = ?", (rs, n) -> rs.getBoolean(1),
				jobId.value()).stream().findFirst().orElse(false);
		if (tracked) {
			jdbc.query("select 1 from jobs where job_id = ? for update", (rs, n) -> 1, jobId.value());
		}
		return tracked;
	}

	/** Stores the tasks of a tracked job (at submit, or a supervisor's plan). */
	public void insert(UUID jobId, List<PlannedTask> tasks, int firstPosition) {
		Timestamp now = Timestamp.from(now());
		List<Integer> positions = IntStream.range(0, tasks.size()).boxed().toList();
		jdbc.batchUpdate(INSERT_TASK, positions, BATCH_SIZE, (statement, i) -> {
			PlannedTask task = tasks.get(i);
			statement.setObject(1, task.taskId());
			statement.setObject(2, jobId);
			statement.setString(3, task.inputId());
			statement.setString(4, task.content());
			statement.setString(5, task.ready() ? "READY" : "WAITING");
			statement.setString(6, task.role().wireName());
			statement.setInt(7, task.stage());
			statement.setInt(8, firstPosition + i);
			statement.setArray(9, statement.getConnection().createArrayOf("uuid", task.dependsOn().toArray()));
			statement.setString(10, task.gather() == null ? null : task.gather().column());
			statement.setString(11, task.agent());
			statement.setString(12, task.capability());
			statement.setString(13, task.instruction());
			statement.setTimestamp(14, task.ready() ? now : null);
			statement.setInt(15, task.ready() ? 0 : task.dependsOn().size());
		});
	}

	/**
	 * A tracked task's attempt succeeded: its output is kept, what it unblocks is released and what may run is
	 * dispatched. A result of a superseded attempt, of a task that is not running or of an unknown task changes
	 * nothing.
	 */
	public void recordSuccess(TaskCompleted completed) {
		JobRow job = job(completed.jobId().value());
		TaskRow task = task(completed.jobId().value(), completed.taskId().value());
		if (job == null || task == null
				|| (completed.tenant() != null && !completed.tenant().equals(job.tenant()))) {
			log.warn("ignoring result of unknown task {} of job {}", completed.taskId(), completed.jobId());
			return;
		}
		if (!"ASSIGNED".equals(task.status()) || task.attempt() != completed.attempt()) {
			log.debug("ignoring result of task {} attempt {}: task is {} at attempt {}", completed.taskId(),
					completed.attempt(), task.status(), task.attempt());
			return;
		}
		String output = truncate(completed.output());
		jdbc.update("update tasks set status = 'SUCCEEDED', output = ?, updated_at = now() where task_id = ?", output,
				task.taskId());
		if (job.status().isTerminal()) {
			return;
		}
		if (task.role() == TaskRole.PLAN) {
			acceptPlan(job, task, output);
		}
		else {
			release(job, task.taskId());
		}
		dispatchReady(job);
	}

	/**
	 * A tracked task finished without an output ({@code FAILED} for good, or {@code ABANDONED}); its status is
	 * already recorded. Releases what it unblocks and dispatches what its slot now allows.
	 */
	public void recordGivenUp(JobId jobId, TaskId taskId) {
		JobRow job = job(jobId.value());
		TaskRow task = task(jobId.value(), taskId.value());
		if (job == null || task == null || job.status().isTerminal()) {
			return;
		}
		if (task.role() == TaskRole.PLAN) {
			String reason = "supervisor failed to plan: " + (task.lastError() == null ? "no reason given" : task.lastError());
			skipCompose(job, reason);
			planChanged(job, reason);
		}
		else {
			release(job, taskId.value());
		}
		dispatchReady(job);
	}

	/**
	 * The job ended (completion reached the view, or cancellation): its tasks that never ran never will; they are
	 * {@code ABANDONED} with {@code reason}.
	 */
	public int abandonUnstarted(UUID jobId, String reason) {
		// one statement per status, each through its partial index: cheap for a job with none (untracked ones)
		int abandoned = 0;
		for (String status : List.of("READY", "WAITING")) {
			abandoned += jdbc.update("update tasks set status = 'ABANDONED', last_error = ?, updated_at = now() "
					+ "where job_id = ? and status = ?", reason, jobId, status);
		}
		return abandoned;
	}

	/** Dispatches the job's {@code READY} tasks, oldest first, up to its concurrency cap. */
	public int dispatchReady(UUID jobId) {
		JobRow job = job(jobId);
		return job == null ? 0 : dispatchReady(job);
	}

	private int dispatchReady(JobRow job) {
		Instant now = now();
		if (job.status().isTerminal() || job.deadlineFlagged() || !job.deadline().isAfter(now) || job.held()
				|| job.capability() == null) {
			return 0;
		}
		int slots = Integer.MAX_VALUE;
		if (job.maxConcurrency() != null) {
			Integer running = jdbc.queryForObject(
					"select count(*) from tasks where job_id = ? and status = 'ASSIGNED'", Integer.class, job.jobId());
			slots = job.maxConcurrency() - (running == null ? 0 : running);
			if (slots <= 0) {
				return 0;
			}
		}
		List<TaskRow> ready = jdbc.query("select " + TASK_COLUMNS + """
				 from tasks where job_id = ? and status = 'READY' order by ready_at, position limit ?
				""", TaskGraph::taskRow, job.jobId(), slots);
		if (ready.isEmpty()) {
			return 0;
		}
		jdbc.update(connection -> {
			var statement = connection.prepareStatement(
					"update tasks set status = 'ASSIGNED', updated_at = now() where task_id = any(?)");
			statement.setArray(1, connection.createArrayOf("uuid", ready.stream().map(TaskRow::taskId).toArray()));
			return statement;
		});
		List<OutboxMessage> messages = new ArrayList<>(ready.size());
		for (TaskRow task : ready) {
			TaskAssigned assigned = new TaskAssigned(new JobId(job.jobId()), new TaskId(task.taskId()), job.tenant(),
					task.agent() != null ? task.agent() : job.agent(),
					task.capability() != null ? task.capability() : job.capability(), task.attempt(), job.maxAttempts(),
					task.instruction() != null ? task.instruction() : job.instruction(),
					new JobInput(task.inputId(), task.content()), job.priority(), job.deadline(), now, job.model(),
					TaskAssignments.budget(job.maxTokens(), job.maxCostUsd()), task.role(), true);
			messages.add(TaskAssignments.outboxMessage(assigned, null));
		}
		outbox.appendAll(messages);
		return messages.size();
	}

	/** Releases the dependants of {@code finishedTaskId}, cascading through the ones that are skipped. */
	private void release(JobRow job, UUID finishedTaskId) {
		Deque<UUID> finished = new ArrayDeque<>();
		finished.push(finishedTaskId);
		boolean skipped = false;
		while (!finished.isEmpty()) {
			UUID done = finished.pop();
			// one less unfinished dependency for every waiting task on it; those at none are released
			List<UUID> released = jdbc.query(connection -> {
				var statement = connection.prepareStatement("""
						update tasks set pending = pending - 1, updated_at = now()
						where job_id = ? and status = 'WAITING' and depends_on @> ?
						returning task_id, pending
						""");
				statement.setObject(1, job.jobId());
				statement.setArray(2, connection.createArrayOf("uuid", new Object[] { done }));
				return statement;
			}, (rs, n) -> rs.getInt("pending") <= 0 ? rs.getObject("task_id", UUID.class) : null)
				.stream()
				.filter(java.util.Objects::nonNull)
				.toList();
			if (released.isEmpty()) {
				continue;
			}
			List<TaskRow> dependants = jdbc.query(connection -> {
				var statement = connection.prepareStatement("select " + TASK_COLUMNS
						+ " from tasks where task_id = any(?) order by position");
				statement.setArray(1, connection.createArrayOf("uuid", released.toArray()));
				return statement;
			}, TaskGraph::taskRow);
			for (TaskRow dependant : dependants) {
				List<TaskRow> dependencies = dependencies(dependant);
				if (!dependencies.stream().allMatch(dependency -> FINISHED.contains(dependency.status()))) {
					continue;
				}
				List<TaskRow> succeeded = dependencies.stream()
					.filter(dependency -> "SUCCEEDED".equals(dependency.status()))
					.toList();
				if (succeeded.isEmpty()) {
					jdbc.update("update tasks set status = 'SKIPPED', last_error = ?, updated_at = now() where task_id = ?",
							skipReason(dependencies), dependant.taskId());
					finished.push(dependant.taskId());
					skipped = true;
				}
				else {
					jdbc.update("""
							update tasks set status = 'READY', content = ?, ready_at = now(), updated_at = now()
							where task_id = ?
							""", Inputs.gather(dependant, dependencies, job.agent()), dependant.taskId());
				}
			}
		}
		if (skipped) {
			planChanged(job, failureOf(job));
		}
	}

	private List<TaskRow> dependencies(TaskRow task) {
		return jdbc.query(connection -> {
			var statement = connection.prepareStatement("select " + TASK_COLUMNS
					+ " from tasks where task_id = any(?) order by position");
			statement.setArray(1, connection.createArrayOf("uuid", task.dependsOn().toArray()));
			return statement;
		}, TaskGraph::taskRow);
	}

	private static String skipReason(List<TaskRow> dependencies) {
		if (dependencies.size() == 1) {
			TaskRow dependency = dependencies.getFirst();
			return "FAILED".equals(dependency.status())
					? "depends on " + dependency.inputId() + ", which failed: " + dependency.lastError()
					: "depends on " + dependency.inputId() + ", which was " + dependency.status().toLowerCase();
		}
		List<String> ids = dependencies.stream().limit(5).map(TaskRow::inputId).toList();
		return "every task it depends on produced nothing (" + String.join(", ", ids)
				+ (dependencies.size() > ids.size() ? ", …" : "") + ")";
	}

	/**
	 * Why the job can no longer produce its answer, or {@code null} while it still may: a pipeline whose last stage
	 * has no task left that could succeed; a supervisor whose composing task was skipped.
	 */
	private String failureOf(JobRow job) {
		if (Supervisor.PATTERN.equals(job.pattern())) {
			String composeStatus = jdbc.query("select status from tasks where job_id = ? and role = 'compose'",
					(rs, n) -> rs.getString(1), job.jobId()).stream().findFirst().orElse(null);
			return "SKIPPED".equals(composeStatus) ? "every specialist failed" : null;
		}
		if (!Pipeline.PATTERN.equals(job.pattern())) {
			return null;
		}
		List<TaskRow> tasks = jdbc.query("select " + TASK_COLUMNS + " from tasks where job_id = ? order by stage, position",
				TaskGraph::taskRow, job.jobId());
		Map<Integer, List<TaskRow>> stages = new LinkedHashMap<>();
		for (TaskRow task : tasks) {
			stages.computeIfAbsent(task.stage(), stage -> new ArrayList<>()).add(task);
		}
		List<TaskRow> last = stages.get(stages.keySet().stream().max(Integer::compare).orElse(0));
		boolean lastCanSucceed = last != null && last.stream()
			.anyMatch(task -> !"SKIPPED".equals(task.status()) && !"FAILED".equals(task.status())
					&& !"ABANDONED".equals(task.status()));
		if (lastCanSucceed) {
			return null;
		}
		for (Map.Entry<Integer, List<TaskRow>> stage : stages.entrySet()) {
			List<TaskRow> stageTasks = stage.getValue();
			if (stageTasks.stream().noneMatch(task -> "SUCCEEDED".equals(task.status()))) {
				String firstReason = stageTasks.stream()
					.filter(task -> "FAILED".equals(task.status()))
					.map(TaskRow::lastError)
					.findFirst()
					.orElse("no item reached it");
				return "stage " + stage.getKey() + " (" + stageName(stageTasks.getFirst().inputId())
						+ ") failed for every item: " + firstReason;
			}
		}
		return "no item reached the last stage";
	}

	private static String stageName(String inputId) {
		int slash = inputId.indexOf('/');
		return slash < 0 ? inputId : inputId.substring(0, slash);
	}

	/**
	 * Publishes the job's new total (every task but the skipped ones), the plan closed, with {@code failure} when the
	 * job can no longer produce its answer.
	 */
	private void planChanged(JobRow job, String failure) {
		Integer total = jdbc.queryForObject(
				"select count(*) filter (where status <> 'SKIPPED') from tasks where job_id = ?", Integer.class,
				job.jobId());
		int version = jdbc.queryForObject("""
				update jobs set total_tasks = ?, plan_version = plan_version + 1, updated_at = now()
				where job_id = ? returning plan_version
				""", Integer.class, total, job.jobId());
		JobPlanChanged changed = new JobPlanChanged(new JobId(job.jobId()), job.tenant(), total == null ? 0 : total,
				false, failure, now());
		outbox.append(new OutboxMessage(Destinations.EVENTS, Destinations.JOB_PLAN, changed,
				UUID.nameUUIDFromBytes((job.jobId() + ":plan:" + version).getBytes(StandardCharsets.UTF_8)),
				job.tenant(), null, null));
		log.info("job {}: {} task(s) in total now{}", job.jobId(), total, failure == null ? "" : "; " + failure);
	}

	private void skipCompose(JobRow job, String reason) {
		jdbc.update("""
				update tasks set status = 'SKIPPED', last_error = ?, updated_at = now()
				where job_id = ? and role = 'compose' and status = 'WAITING'
				""", reason, job.jobId());
	}

	/** The supervisor's plan came back: valid, its sub-tasks are stored and the answer waits on them; else the job fails. */
	private void acceptPlan(JobRow job, TaskRow planTask, String output) {
		PlanParser.Limits limits = PlanParser.Limits.of(job.planMaxSubtasks(), job.planMaxDepth());
		Plan plan;
		switch (PlanParser.parse(output, limits, job.specialists(), job.agent())) {
			case PlanParser.Invalid invalid -> {
				rejectPlan(job, invalid.reason());
				return;
			}
			case PlanParser.Valid valid -> plan = valid.plan();
		}
		Map<String, String> capabilityOf = new LinkedHashMap<>();
		for (String agent : plan.agents()) {
			switch (capabilities.capabilityOf(agent)) {
				case CapabilityAnswer.Served served -> capabilityOf.put(agent, served.capability());
				case CapabilityAnswer.NoLiveAgent none -> {
					rejectPlan(job, "no live agent serves agent type '" + agent + "'");
					return;
				}
				case CapabilityAnswer.Unknown unknown -> {
					log.warn("registry not available ({}); sub-tasks of job {} for '{}' go to its own queue",
							unknown.why(), job.jobId(), agent);
					capabilityOf.put(agent, agent);
				}
			}
			if (!Destinations.isValidCapability(capabilityOf.get(agent))) {
				rejectPlan(job, "agent type '" + agent + "' maps to capability '" + capabilityOf.get(agent)
						+ "', which is not a valid queue name");
				return;
			}
		}
		capabilityOf.values().forEach(agentQueues::ensureQueueFor);
		List<PlannedTask> tasks = new ArrayList<>();
		List<UUID> topLevel = new ArrayList<>();
		for (Plan.Node node : plan.subtasks()) {
			topLevel.add(addNode(node, 1, planTask.content(), capabilityOf, tasks));
		}
		Integer positions = jdbc.queryForObject("select coalesce(max(position), 0) + 1 from tasks where job_id = ?",
				Integer.class, job.jobId());
		insert(job.jobId(), tasks, positions == null ? 0 : positions);
		jdbc.update(connection -> {
			var statement = connection.prepareStatement("""
					update tasks set depends_on = ?, pending = cardinality(?), updated_at = now()
					where job_id = ? and role = 'compose'
					""");
			statement.setArray(1, connection.createArrayOf("uuid", topLevel.toArray()));
			statement.setArray(2, connection.createArrayOf("uuid", topLevel.toArray()));
			statement.setObject(3, job.jobId());
			return statement;
		});
		planChanged(job, null);
	}

	private static UUID addNode(Plan.Node node, int depth, String defaultInput, Map<String, String> capabilityOf,
			List<PlannedTask> tasks) {
		List<UUID> children = new ArrayList<>();
		for (Plan.Node child : node.subtasks()) {
			children.add(addNode(child, depth + 1, defaultInput, capabilityOf, tasks));
		}
		UUID taskId = UUID.randomUUID();
		String input = node.input() != null ? node.input() : defaultInput;
		tasks.add(new PlannedTask(taskId, node.id(), input, TaskRole.WORK, depth, children,
				children.isEmpty() ? null : Gather.CHILDREN, node.agent(), capabilityOf.get(node.agent()),
				node.instruction(), children.isEmpty()));
		return taskId;
	}

	private void rejectPlan(JobRow job, String reason) {
		String failure = "invalid plan: " + reason;
		log.info("job {}: {}", job.jobId(), failure);
		skipCompose(job, failure);
		planChanged(job, failure);
	}

	private JobRow job(UUID jobId) {
		return jdbc.query("""
				select job_id, tenant, pattern, agent, capability, instruction, priority, max_attempts, status, deadline,
				       deadline_flagged_at, held_since, model, max_tokens, max_cost_usd, max_concurrency,
				       plan_max_subtasks, plan_max_depth, specialists, plan_version
				from jobs where job_id = ? for update
				""", (rs, n) -> new JobRow(rs.getObject("job_id", UUID.class), TenantId.of(rs.getString("tenant")),
				rs.getString("pattern"), rs.getString("agent"), rs.getString("capability"), rs.getString("instruction"),
				Priority.fromWireName(rs.getString("priority")), rs.getInt("max_attempts"),
				JobStatus.valueOf(rs.getString("status")), rs.getTimestamp("deadline").toInstant(),
				rs.getTimestamp("deadline_flagged_at") != null, rs.getTimestamp("held_since") != null,
				rs.getString("model"), rs.getObject("max_tokens", Long.class), rs.getBigDecimal("max_cost_usd"),
				rs.getObject("max_concurrency", Integer.class), rs.getObject("plan_max_subtasks", Integer.class),
				rs.getObject("plan_max_depth", Integer.class), strings(rs.getArray("specialists")),
				rs.getInt("plan_version")), jobId).stream().findFirst().orElse(null);
	}

	private TaskRow task(UUID jobId, UUID taskId) {
		return jdbc.query("select " + TASK_COLUMNS + " from tasks where task_id = ? and job_id = ?",
				TaskGraph::taskRow, taskId, jobId).stream().findFirst().orElse(null);
	}

	private static TaskRow taskRow(ResultSet rs, int row) throws SQLException {
		Array dependsOn = rs.getArray("depends_on");
		List<UUID> dependencies = dependsOn == null ? List.of()
				: Arrays.stream((Object[]) dependsOn.getArray()).map(UUID.class::cast).toList();
		return new TaskRow(rs.getObject("task_id", UUID.class), rs.getString("input_id"), rs.getString("content"),
				rs.getInt("attempt"), rs.getString("status"), rs.getString("last_error"),
				TaskRole.fromWireName(rs.getString("role")), rs.getInt("stage"), rs.getInt("position"), dependencies,
				Gather.fromColumn(rs.getString("gather")), rs.getString("output"), rs.getString("agent"),
				rs.getString("capability"), rs.getString("instruction"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
	}

	static String truncate(String output) {
		if (output == null) {
			return "";
		}
		return output.length() <= MAX_OUTPUT_CHARS ? output : output.substring(0, MAX_OUTPUT_CHARS);
	}

	private Instant now() {
		return clock.instant().truncatedTo(ChronoUnit.MICROS);
	}
}
