package io.colony.orchestrator.view;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.Usage;
import io.colony.orchestrator.flow.TaskGraph;
import io.colony.orchestrator.job.JobCancellationMessages;
import io.colony.orchestrator.job.JobStates;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps the job view in step with the aggregator ({@code orchestrator.job-events}: {@code job.progress} and
 * {@code job.completed}). Both updates are idempotent without an inbox: progress only moves counts and usage
 * forward and never reopens a finished job; completion writes the same final values however often it arrives,
 * and a cancelled job stays cancelled.
 *
 * <p>A completion that ends a job while some of its tasks are still queued or running (its budget was spent,
 * its deadline passed) also stops them: a {@code JobCancelled} goes to the outbox in the transaction that makes
 * the job terminal, so it is published exactly once (a redelivered completion finds the job terminal already),
 * and workers drop the job's remaining tasks as they do for a client's cancellation.
 */
@Component
class JobViewUpdates implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(JobViewUpdates.class);

	private final ColonyConsumers consumers;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Outbox outbox;

	private final TaskGraph taskGraph;

	JobViewUpdates(ColonyConsumers consumers, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			Outbox outbox, TaskGraph taskGraph) {
		this.taskGraph = taskGraph;
		this.consumers = consumers;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.outbox = outbox;
	}

	@Override
	public void afterPropertiesSet() {
		consumers.consume(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_EVENTS_QUEUE), JobEvent.class, 100, 1,
				this::recordJobEvent);
	}

	private CompletionStage<?> recordJobEvent(Inbound<JobEvent> inbound) {
		switch (inbound.payload()) {
			case JobProgressed progressed -> recordProgress(progressed);
			case JobCompleted completed -> recordCompletion(completed);
			default -> {
				// other job events are not bound to this queue; an unknown newer one changes nothing here
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	private void recordProgress(JobProgressed progressed) {
		if (progressed.jobId() == null || progressed.tenant() == null || progressed.tasks() == null) {
			return;
		}
		TaskCounts tasks = progressed.tasks();
		Usage usage = progressed.usage();
		transactions.executeWithoutResult(status -> {
			JobStatus current = lock(progressed);
			if (current == null || current.isTerminal()) {
				return;
			}
			jdbc.update("""
					update jobs set status = ?, succeeded_tasks = greatest(succeeded_tasks, ?),
					                failed_tasks = greatest(failed_tasks, ?),
					                prompt_tokens = greatest(prompt_tokens, ?),
					                completion_tokens = greatest(completion_tokens, ?),
					                llm_calls = greatest(llm_calls, ?), tool_calls = greatest(tool_calls, ?),
					                cost_usd = greatest(cost_usd, ?), updated_at = now()
					where job_id = ?
					""", JobStates.afterProgress(current).name(), tasks.succeeded(), tasks.failed(),
					usage.promptTokens(), usage.completionTokens(), usage.llmCalls(), usage.toolCalls(),
					usage.costUsd(), progressed.jobId().value());
		});
	}

	private void recordCompletion(JobCompleted completed) {
		if (completed.jobId() == null || completed.tenant() == null || completed.status() == null) {
			return;
		}
		TaskCounts tasks = completed.tasks();
		Usage usage = completed.usage() == null ? Usage.NONE : completed.usage();
		JobResult result = completed.result();
		Instant completedAt = completed.completedAt() == null ? Instant.now() : completed.completedAt();
		transactions.executeWithoutResult(status -> {
			JobStatus current = lock(completed);
			if (current == null) {
				return;
			}
			if (!current.isTerminal()) {
				// tasks of a tracked job that have not run yet never will (none exist for an untracked one)
				String why = completed.reason() != null ? completed.reason()
						: result != null && result.reason() != null ? result.reason()
								: "job ended as " + completed.status();
				taskGraph.abandonUnstarted(completed.jobId().value(), why);
			}
			if (JobStates.endedWithTasksRunning(current, completed.status(), tasks)) {
				String why = completed.reason() != null ? completed.reason()
						: result != null && result.reason() != null ? result.reason() : "job ended";
				outbox.append(JobCancellationMessages.outboxMessage(new JobCancelled(completed.jobId(),
						completed.tenant(), "job ended as " + completed.status() + ": " + why, completedAt)));
				log.info("job {} ended as {} with {} task(s) still running ({}); stopping them", completed.jobId(),
						completed.status(), tasks.running(), why);
			}
			jdbc.update("""
					update jobs set status = ?,
					                succeeded_tasks = coalesce(?, succeeded_tasks), failed_tasks = coalesce(?, failed_tasks),
					                prompt_tokens = ?, completion_tokens = ?, llm_calls = ?, tool_calls = ?, cost_usd = ?,
					                result_strategy = ?, result_items = ?, result_reason = ?,
					                completed_at = ?, updated_at = now()
					where job_id = ?
					""", JobStates.afterCompletion(current, completed.status()).name(),
					tasks == null ? null : tasks.succeeded(), tasks == null ? null : tasks.failed(),
					usage.promptTokens(), usage.completionTokens(), usage.llmCalls(), usage.toolCalls(),
					usage.costUsd(),
					result == null || result.strategy() == null ? null : result.strategy().wireName(),
					result == null ? null : result.items(), result == null ? null : result.reason(),
					Timestamp.from(completedAt), completed.jobId().value());
		});
	}

	private JobStatus lock(JobEvent event) {
		return jdbc.query("select status from jobs where job_id = ? and tenant = ? for update",
				(rs, n) -> JobStatus.valueOf(rs.getString("status")), event.jobId().value(), event.tenant().value())
			.stream()
			.findFirst()
			.orElse(null);
	}
}
