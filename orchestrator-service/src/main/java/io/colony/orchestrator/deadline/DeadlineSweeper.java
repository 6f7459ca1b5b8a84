package io.colony.orchestrator.deadline;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reports jobs that are still running past their deadline: each is flagged and gets one
 * {@code JobDeadlineReached} through the outbox, in the same transaction; the aggregator then closes it with
 * what it has. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so any number of orchestrator instances
 * may sweep at once without reporting a job twice.
 */
@Component
class DeadlineSweeper implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);

	private static final String CLAIM_OVERDUE = """
			select job_id, tenant, deadline from jobs
			where deadline_flagged_at is null and status in ('ACCEPTED', 'RUNNING') and deadline <= now()
			order by deadline
			limit ?
			for update skip locked
			""";

	private record Overdue(JobId jobId, TenantId tenant, Instant deadline) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Outbox outbox;

	private final DeadlineProperties properties;

	DeadlineSweeper(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Outbox outbox,
			DeadlineProperties properties) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.outbox = outbox;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::sweepSafely, properties.deadlineSweep());
	}

	private void sweepSafely() {
		try {
			sweep();
		}
		catch (RuntimeException ex) {
			log.warn("deadline sweep failed, retrying in {}: {}", properties.deadlineSweep(), ex.toString());
		}
	}

	/** Flags every overdue job; returns how many. */
	int sweep() {
		int total = 0;
		while (true) {
			Integer flagged = transactions.execute(status -> flagOverdueBatch());
			int count = flagged == null ? 0 : flagged;
			total += count;
			if (count < properties.deadlineSweepBatch()) {
				return total;
			}
		}
	}

	private int flagOverdueBatch() {
		List<Overdue> overdue = jdbc.query(CLAIM_OVERDUE,
				(rs, n) -> new Overdue(new JobId(rs.getObject("job_id", UUID.class)), TenantId.of(rs.getString("tenant")),
						rs.getTimestamp("deadline").toInstant()),
				properties.deadlineSweepBatch());
		if (overdue.isEmpty()) {
			return 0;
		}
		jdbc.update("update jobs set deadline_flagged_at = now(), updated_at = now() where job_id = any(?::uuid[])",
				(Object) overdue.stream().map(job -> job.jobId().value()).toArray(UUID[]::new));
		outbox.appendAll(overdue.stream()
			.map(job -> new OutboxMessage(Destinations.EVENTS, Destinations.JOB_DEADLINE,
					new JobDeadlineReached(job.jobId(), job.tenant(), job.deadline()),
					UUID.nameUUIDFromBytes((job.jobId() + ":deadline").getBytes(StandardCharsets.UTF_8)), job.tenant(),
					null, null))
			.toList());
		log.info("{} job(s) reached their deadline: {}", overdue.size(),
				overdue.stream().limit(10).map(job -> job.jobId().toString()).toList());
		return overdue.size();
	}
}
