package io.colony.orchestrator.retry;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobStatus;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TaskRole;
import io.colony.contracts.TenantId;
import io.colony.orchestrator.flow.TaskGraph;
import io.colony.orchestrator.job.TaskAssignments;
import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Consumes failed task attempts and tracked tasks' successes ({@code orchestrator.results}) and schedules the next
 * attempt of the retryable failures: the task's attempt is bumped and a new {@code TaskAssigned} goes to the outbox,
 * delayed by the backoff, in the same transaction as the inbox claim that de-duplicates the result. A tracked task's
 * final outcome goes to the {@link TaskGraph} in that same transaction, which releases and dispatches what follows.
 */
@Component
class TaskRetries implements InitializingBean, SchedulingConfigurer {

	static final String CONSUMER = "orchestrator.results";

	private static final Logger log = LoggerFactory.getLogger(TaskRetries.class);

	private static final String LOCK_TASK = """
			select t.input_id, t.content, t.attempt, t.status as task_status, t.role,
			       j.tenant, coalesce(t.agent, j.agent) as agent, coalesce(t.capability, j.capability) as capability,
			       coalesce(t.instruction, j.instruction) as instruction, j.priority, j.max_attempts,
			       j.status as job_status,
			       j.deadline, j.deadline_flagged_at, j.model, j.max_tokens, j.max_cost_usd
			from tasks t join jobs j on j.job_id = t.job_id
			where t.task_id = ? and t.job_id = ?
			for update of t
			""";

	private record TaskRow(String inputId, String content, int attempt, String taskStatus, TaskRole role,
			String tenant, String agent,
			String capability, String instruction, Priority priority, int maxAttempts, JobStatus jobStatus,
			Instant deadline, boolean deadlineFlagged, String model, Long maxTokens, BigDecimal maxCostUsd) {
	}

	private final ColonyConsumers consumers;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Inbox inbox;

	private final Outbox outbox;

	private final RetryProperties properties;

	private final RetryBackoff backoff;

	private final TaskGraph taskGraph;

	private final Clock clock = Clock.systemUTC();

	TaskRetries(ColonyConsumers consumers, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			Inbox inbox, Outbox outbox, RetryProperties properties, TaskGraph taskGraph) {
		this.consumers = consumers;
		this.taskGraph = taskGraph;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.inbox = inbox;
		this.outbox = outbox;
		this.properties = properties;
		this.backoff = new RetryBackoff(properties.retryBackoff(), properties.maxRetryBackoff());
	}

	@Override
	public void afterPropertiesSet() {
		consumers.consume(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_RESULTS_QUEUE), TaskResult.class,
				properties.resultPrefetch(), 2, this::recordTaskResult);
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::forgetOldResults, Duration.ofMinutes(10));
	}

	private void forgetOldResults() {
		try {
			int purged = inbox.purgeOlderThan(properties.inboxRetention());
			log.debug("forgot {} handled result id(s) older than {}", purged, properties.inboxRetention());
		}
		catch (RuntimeException ex) {
			log.warn("could not purge the results inbox: {}", ex.toString());
		}
	}

	private CompletionStage<?> recordTaskResult(Inbound<TaskResult> inbound) {
		switch (inbound.payload()) {
			case TaskFailed failed -> transactions.executeWithoutResult(status -> {
				if (inbox.claim(CONSUMER, List.of(inbound.messageId())).isEmpty()) {
					return;
				}
				retryOrGiveUp(failed);
			});
			case TaskCompleted completed -> transactions.executeWithoutResult(status -> {
				if (inbox.claim(CONSUMER, List.of(inbound.messageId())).isEmpty()) {
					return;
				}
				if (completed.jobId() == null || completed.taskId() == null) {
					log.warn("ignoring completed result without job or task id");
					return;
				}
				// only tracked tasks' successes are routed here (result.completed.tracked.#)
				if (taskGraph.lockTracked(completed.jobId())) {
					taskGraph.recordSuccess(completed);
				}
			});
			default -> {
				// an unknown newer result type changes nothing here
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	private void retryOrGiveUp(TaskFailed failed) {
		if (failed.jobId() == null || failed.taskId() == null) {
			log.warn("ignoring failed result without job or task id");
			return;
		}
		// a tracked job's row is locked before its task's, as everywhere else, so that its results apply one by one
		boolean tracked = taskGraph.lockTracked(failed.jobId());
		TaskRow task = jdbc.query(LOCK_TASK, TaskRetries::taskRow, failed.taskId().value(), failed.jobId().value())
			.stream()
			.findFirst()
			.orElse(null);
		if (task == null || (failed.tenant() != null && !failed.tenant().value().equals(task.tenant()))) {
			log.warn("ignoring failure of unknown task {} of job {}", failed.taskId(), failed.jobId());
			return;
		}
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		RetryDecision decision = RetryDecision.decide(failed, task.attempt(), task.taskStatus(), task.maxAttempts(),
				task.jobStatus(), task.deadline(), task.deadlineFlagged(), now, backoff);
		switch (decision) {
			case RetryDecision.Ignore ignore -> log.debug("ignoring failure of task {} attempt {}: {}", failed.taskId(),
					failed.attempt(), ignore.why());
			case RetryDecision.GiveUp giveUp -> {
				jdbc.update("update tasks set status = ?, last_error = ?, updated_at = now() where task_id = ?",
						giveUp.taskStatus(), failed.reason(), failed.taskId().value());
				if (tracked) {
					taskGraph.recordGivenUp(failed.jobId(), failed.taskId());
				}
			}
			case RetryDecision.Retry retry -> {
				jdbc.update("update tasks set attempt = ?, last_error = ?, updated_at = now() where task_id = ?",
						retry.attempt(), failed.reason(), failed.taskId().value());
				TaskAssigned next = new TaskAssigned(failed.jobId(), failed.taskId(), TenantId.of(task.tenant()),
						task.agent(), task.capability(), retry.attempt(), task.maxAttempts(), task.instruction(),
						new JobInput(task.inputId(), task.content()), task.priority(), task.deadline(), now, task.model(),
						TaskAssignments.budget(task.maxTokens(), task.maxCostUsd()), task.role(), tracked);
				outbox.append(TaskAssignments.outboxMessage(next, retry.availableAt()));
				log.debug("task {} of job {}: attempt {} failed ({}), attempt {} at {}", failed.taskId(),
						failed.jobId(), failed.attempt(), failed.reason(), retry.attempt(), retry.availableAt());
			}
		}
	}

	private static TaskRow taskRow(ResultSet rs, int row) throws SQLException {
		return new TaskRow(rs.getString("input_id"), rs.getString("content"), rs.getInt("attempt"),
				rs.getString("task_status"), TaskRole.fromWireName(rs.getString("role")), rs.getString("tenant"), rs.getString("agent"), rs.getString("capability"),
				rs.getString("instruction"), Priority.fromWireName(rs.getString("priority")), rs.getInt("max_attempts"),
				JobStatus.valueOf(rs.getString("job_status")), rs.getTimestamp("deadline").toInstant(),
				rs.getTimestamp("deadline_flagged_at") != null, rs.getString("model"),
				rs.getObject("max_tokens", Long.class), rs.getBigDecimal("max_cost_usd"));
	}
}
