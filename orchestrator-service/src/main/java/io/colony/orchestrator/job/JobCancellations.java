package io.colony.orchestrator.job;

import io.colony.contracts.CancelJob;
import io.colony.contracts.CommandReply;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobStatus;
import io.colony.orchestrator.flow.TaskGraph;
import io.colony.platform.outbox.Outbox;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Cancels a job: status and {@code JobCancelled} in one transaction. Idempotent: cancelling a cancelled job
 * answers the same and publishes nothing more. A job of another tenant is reported as not found.
 */
@Component
class JobCancellations {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Outbox outbox;

	private final TaskGraph taskGraph;

	private final Clock clock = Clock.systemUTC();

	JobCancellations(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Outbox outbox,
			TaskGraph taskGraph) {
		this.jdbc = jdbc;
		this.taskGraph = taskGraph;
		this.transactions = new TransactionTemplate(transactionManager);
		this.outbox = outbox;
	}

	CommandReply cancel(CancelJob command) {
		if (command.jobId() == null || command.tenant() == null) {
			return Rejections.jobNotFound(command.jobId());
		}
		return transactions.execute(status -> {
			JobStatus current = jdbc.query("select status from jobs where job_id = ? and tenant = ? for update",
					(rs, n) -> JobStatus.valueOf(rs.getString("status")), command.jobId().value(),
					command.tenant().value()).stream().findFirst().orElse(null);
			if (current == null) {
				return Rejections.jobNotFound(command.jobId());
			}
			return switch (JobStates.cancellation(current)) {
				case ALREADY_CANCELLED -> new JobCancellationAccepted(command.jobId(), JobStatus.CANCELLED);
				case ALREADY_FINISHED -> Rejections.jobAlreadyFinished(command.jobId(), current);
				case CANCEL -> {
					Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
					String reason = command.reason() == null || command.reason().isBlank() ? "cancelled by client"
							: command.reason();
					jdbc.update("""
							update jobs set status = 'CANCELLED', cancel_reason = ?, completed_at = ?, updated_at = now()
							where job_id = ?
							""", reason, Timestamp.from(now), command.jobId().value());
					outbox.append(JobCancellationMessages
						.outboxMessage(new JobCancelled(command.jobId(), command.tenant(), reason, now)));
					// tasks of a tracked job that have not run yet never will
					taskGraph.abandonUnstarted(command.jobId().value(), reason);
					yield new JobCancellationAccepted(command.jobId(), JobStatus.CANCELLED);
				}
			};
		});
	}
}
