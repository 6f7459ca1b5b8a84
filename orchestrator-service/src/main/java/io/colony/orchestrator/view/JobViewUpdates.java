package io.colony.orchestrator.view;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.Usage;
import io.colony.orchestrator.job.JobStates;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
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
 * {@code job.completed}). Both updates are idempotent without an inbox: progress only moves counts forward
 * and never reopens a finished job; completion writes the same final values however often it arrives,
 * and a cancelled job stays cancelled.
 */
@Component
class JobViewUpdates implements InitializingBean {

	private final ColonyConsumers consumers;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	JobViewUpdates(ColonyConsumers consumers, JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.consumers = consumers;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
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
		transactions.executeWithoutResult(status -> {
			JobStatus current = lock(progressed);
			if (current == null || current.isTerminal()) {
				return;
			}
			jdbc.update("""
					update jobs set status = ?, succeeded_tasks = greatest(succeeded_tasks, ?),
					                failed_tasks = greatest(failed_tasks, ?), updated_at = now()
					where job_id = ?
					""", JobStates.afterProgress(current).name(), tasks.succeeded(), tasks.failed(),
					progressed.jobId().value());
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
			jdbc.update("""
					update jobs set status = ?,
					                succeeded_tasks = coalesce(?, succeeded_tasks), failed_tasks = coalesce(?, failed_tasks),
					                prompt_tokens = ?, completion_tokens = ?, llm_calls = ?,
					                result_strategy = ?, result_items = ?, result_reason = ?,
					                completed_at = ?, updated_at = now()
					where job_id = ?
					""", JobStates.afterCompletion(current, completed.status()).name(),
					tasks == null ? null : tasks.succeeded(), tasks == null ? null : tasks.failed(),
					usage.promptTokens(), usage.completionTokens(), usage.llmCalls(),
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
