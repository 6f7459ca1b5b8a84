package io.colony.aggregator.job;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobId;
import io.colony.contracts.JobResult;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The jobs table: counters, acceptance and the one-time close. Every method runs in the caller's
 * transaction and takes the job row's lock first (an upsert), so the results path and the job-event path
 * serialise per job and no increment is lost whichever arrives first. Closing is a conditional update on
 * {@code closed_at is null}, in the same transaction as the {@code JobCompleted} it appends to the outbox:
 * a job is closed, and announced, exactly once.
 */
@Component
public class JobLedger {

	private static final String COLUMNS = """
			job_id, tenant, total_tasks, succeeded, failed, prompt_tokens, completion_tokens, llm_calls,
			reduce_strategy, closed_at is not null as closed
			""";

	private static final RowMapper<JobTally> TALLY = (rs, row) -> {
		String tenant = rs.getString("tenant");
		String reduce = rs.getString("reduce_strategy");
		return new JobTally(new JobId(rs.getObject("job_id", UUID.class)), tenant == null ? null : TenantId.of(tenant),
				rs.getObject("total_tasks", Integer.class), rs.getInt("succeeded"), rs.getInt("failed"),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls")),
				reduce == null ? ReduceStrategy.COLLECT : ReduceStrategy.fromWireName(reduce), rs.getBoolean("closed"));
	};

	private final JdbcTemplate jdbc;

	private final Outbox outbox;

	JobLedger(JdbcTemplate jdbc, Outbox outbox) {
		this.jdbc = jdbc;
		this.outbox = outbox;
	}

	/**
	 * Adds newly recorded results to their jobs' counters, one statement for the whole batch, creating the
	 * row of a job whose {@code JobAccepted} has not arrived yet. Rows are locked in job-id order so that
	 * two instances recording overlapping batches cannot deadlock.
	 *
	 * @return every touched job as it is now, locked until the transaction ends
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public List<JobTally> addFinished(Collection<TallyDelta> deltas) {
		if (deltas.isEmpty()) {
			return List.of();
		}
		List<TallyDelta> ordered = deltas.stream().sorted(Comparator.comparing(delta -> delta.jobId().value())).toList();
		int size = ordered.size();
		UUID[] jobIds = new UUID[size];
		String[] tenants = new String[size];
		int[] succeeded = new int[size];
		int[] failed = new int[size];
		long[] promptTokens = new long[size];
		long[] completionTokens = new long[size];
		long[] llmCalls = new long[size];
		for (int i = 0; i < size; i++) {
			TallyDelta delta = ordered.get(i);
			jobIds[i] = delta.jobId().value();
			tenants[i] = delta.tenant() == null ? null : delta.tenant().value();
			succeeded[i] = delta.succeeded();
			failed[i] = delta.failed();
			promptTokens[i] = delta.usage().promptTokens();
			completionTokens[i] = delta.usage().completionTokens();
			llmCalls[i] = delta.usage().llmCalls();
		}
		return jdbc.query("""
				insert into jobs (job_id, tenant, succeeded, failed, prompt_tokens, completion_tokens, llm_calls)
				select * from unnest(?::uuid[], ?::text[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[])
				order by 1
				on conflict (job_id) do update set
				    tenant = coalesce(jobs.tenant, excluded.tenant),
				    succeeded = jobs.succeeded + excluded.succeeded,
				    failed = jobs.failed + excluded.failed,
				    prompt_tokens = jobs.prompt_tokens + excluded.prompt_tokens,
				    completion_tokens = jobs.completion_tokens + excluded.completion_tokens,
				    llm_calls = jobs.llm_calls + excluded.llm_calls,
				    updated_at = now()
				returning
				""" + COLUMNS, TALLY, jobIds, tenants, succeeded, failed, promptTokens, completionTokens, llmCalls);
	}

	/**
	 * Closes a job whose tasks have all finished, if nobody closed it yet. {@code tally} must come from this
	 * transaction (its row is locked).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> closeIfAllFinished(JobTally tally) {
		if (tally.closed() || !tally.allFinished()) {
			return Optional.empty();
		}
		return close(tally, JobOutcome.allFinished(tally.totalTasks(), tally.succeeded(), tally.failed()));
	}

	/**
	 * Records the job's size and owner. Idempotent; if every result already arrived (results overtook the
	 * acceptance), the job closes here.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> accept(JobAccepted accepted) {
		ReduceStrategy reduce = accepted.reduce() == null ? ReduceStrategy.COLLECT : accepted.reduce();
		JobTally tally = jdbc.queryForObject("""
				insert into jobs (job_id, tenant, total_tasks, reduce_strategy, deadline, accepted_at)
				values (?, ?, ?, ?, ?, ?)
				on conflict (job_id) do update set
				    tenant = excluded.tenant,
				    total_tasks = excluded.total_tasks,
				    reduce_strategy = excluded.reduce_strategy,
				    deadline = excluded.deadline,
				    accepted_at = excluded.accepted_at,
				    updated_at = now()
				returning
				""" + COLUMNS, TALLY, accepted.jobId().value(), accepted.tenant().value(), accepted.totalTasks(),
				reduce.wireName(), timestamp(accepted.deadline()), timestamp(accepted.acceptedAt()));
		return closeIfAllFinished(tally);
	}

	/** Closes the job as cancelled unless it already ended; later results are still stored, never re-close it. */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> cancel(JobCancelled cancelled) {
		JobTally tally = lock(cancelled.jobId(), cancelled.tenant());
		return tally.closed() ? Optional.empty() : close(tally, JobOutcome.cancelled(cancelled.reason()));
	}

	/** Closes the job with what it has unless it already ended. */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> deadlineReached(JobDeadlineReached deadline) {
		JobTally tally = lock(deadline.jobId(), deadline.tenant());
		if (tally.closed()) {
			return Optional.empty();
		}
		TaskCounts counts = tally.counts();
		return close(tally, JobOutcome.deadlineReached(counts.total(), counts.succeeded(), counts.failed()));
	}

	/** The job's row, created if this is the first we hear of it, locked until the transaction ends. */
	private JobTally lock(JobId jobId, TenantId tenant) {
		return jdbc.queryForObject("""
				insert into jobs (job_id, tenant) values (?, ?)
				on conflict (job_id) do update set tenant = coalesce(jobs.tenant, excluded.tenant)
				returning
				""" + COLUMNS, TALLY, jobId.value(), tenant == null ? null : tenant.value());
	}

	private Optional<JobCompleted> close(JobTally tally, JobOutcome outcome) {
		Instant now = Instant.now();
		int closed = jdbc.update("""
				update jobs set status = ?, reason = ?, closed_at = ?, updated_at = now()
				where job_id = ? and closed_at is null
				""", outcome.status().name(), outcome.reason(), Timestamp.from(now), tally.jobId().value());
		if (closed == 0) {
			return Optional.empty();
		}
		JobCompleted completed = new JobCompleted(tally.jobId(), tally.tenant(), outcome.status(), tally.counts(),
				tally.usage(), new JobResult(tally.reduce(), tally.succeeded() + tally.failed(), outcome.reason()), now);
		outbox.append(new OutboxMessage(Destinations.EVENTS, Destinations.JOB_COMPLETED, completed,
				completionMessageId(tally.jobId()), tally.tenant(), null, null));
		return Optional.of(completed);
	}

	/** The same for every attempt to close the job, so that even a duplicate could be de-duplicated downstream. */
	static UUID completionMessageId(JobId jobId) {
		return UUID.nameUUIDFromBytes((jobId + ":completed").getBytes(StandardCharsets.UTF_8));
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}
}
