package io.colony.aggregator.job;

import io.colony.aggregator.usage.TenantUsageLedger;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobId;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobResult;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.platform.pricing.Usd;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The jobs table: counters, usage, acceptance and the one-time close. Every method runs in the caller's
 * transaction and takes the job row's lock first (an upsert), so the results path and the job-event path
 * serialise per job and no increment is lost whichever arrives first. Closing is a conditional update on
 * {@code closed_at is null}, in the same transaction as the {@code JobCompleted} it appends to the outbox:
 * a job is closed, and announced, exactly once.
 */
@Component
public class JobLedger {

	private static final String COLUMNS = """
			job_id, tenant, total_tasks, succeeded, failed, prompt_tokens, completion_tokens, llm_calls, tool_calls,
			cost_usd, reduce_strategy, max_tokens, max_cost_usd, closed_at is not null as closed
			""";

	private static final RowMapper<JobTally> TALLY = (rs, row) -> {
		String tenant = rs.getString("tenant");
		String reduce = rs.getString("reduce_strategy");
		BigDecimal maxCostUsd = rs.getBigDecimal("max_cost_usd");
		return new JobTally(new JobId(rs.getObject("job_id", UUID.class)), tenant == null ? null : TenantId.of(tenant),
				rs.getObject("total_tasks", Integer.class), rs.getInt("succeeded"), rs.getInt("failed"),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls"),
						rs.getLong("tool_calls"), Usd.canonical(rs.getBigDecimal("cost_usd"))),
				reduce == null ? ReduceStrategy.COLLECT : ReduceStrategy.fromWireName(reduce),
				rs.getObject("max_tokens", Long.class), maxCostUsd == null ? null : Usd.canonical(maxCostUsd),
				rs.getBoolean("closed"));
	};

	private final JdbcTemplate jdbc;

	private final Outbox outbox;

	private final TenantUsageLedger tenants;

	JobLedger(JdbcTemplate jdbc, Outbox outbox, TenantUsageLedger tenants) {
		this.jdbc = jdbc;
		this.outbox = outbox;
		this.tenants = tenants;
	}

	/**
	 * Adds newly recorded results to their jobs' counters and usage, one statement for the whole batch,
	 * creating the row of a job whose {@code JobAccepted} has not arrived yet. Rows are locked in job-id order
	 * so that two instances recording overlapping batches cannot deadlock.
	 *
	 * @return every touched job as it is now, locked until the transaction ends
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public List<JobTally> addRecorded(Collection<TallyDelta> deltas) {
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
		long[] toolCalls = new long[size];
		String[] costs = new String[size];
		for (int i = 0; i < size; i++) {
			TallyDelta delta = ordered.get(i);
			jobIds[i] = delta.jobId().value();
			tenants[i] = delta.tenant() == null ? null : delta.tenant().value();
			succeeded[i] = delta.succeeded();
			failed[i] = delta.failed();
			promptTokens[i] = delta.usage().promptTokens();
			completionTokens[i] = delta.usage().completionTokens();
			llmCalls[i] = delta.usage().llmCalls();
			toolCalls[i] = delta.usage().toolCalls();
			costs[i] = delta.usage().costUsd().toPlainString();
		}
		return jdbc.query("""
				insert into jobs (job_id, tenant, succeeded, failed, prompt_tokens, completion_tokens, llm_calls,
				                  tool_calls, cost_usd)
				select * from unnest(?::uuid[], ?::text[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[],
				                     ?::bigint[], ?::numeric[])
				order by 1
				on conflict (job_id) do update set
				    tenant = coalesce(jobs.tenant, excluded.tenant),
				    succeeded = jobs.succeeded + excluded.succeeded,
				    failed = jobs.failed + excluded.failed,
				    prompt_tokens = jobs.prompt_tokens + excluded.prompt_tokens,
				    completion_tokens = jobs.completion_tokens + excluded.completion_tokens,
				    llm_calls = jobs.llm_calls + excluded.llm_calls,
				    tool_calls = jobs.tool_calls + excluded.tool_calls,
				    cost_usd = jobs.cost_usd + excluded.cost_usd,
				    updated_at = now()
				returning
				""" + COLUMNS, TALLY, jobIds, tenants, succeeded, failed, promptTokens, completionTokens, llmCalls,
				toolCalls, costs);
	}

	/**
	 * Closes an accepted job that is over, if nobody closed it yet: when all its tasks have finished, or else
	 * when its usage has reached its budget (the tasks still running are then stopped by the orchestrator,
	 * which reacts to the early {@code JobCompleted}). {@code tally} must come from this transaction (its row is
	 * locked).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> closeIfOver(JobTally tally) {
		if (tally.closed() || !tally.accepted()) {
			return Optional.empty();
		}
		if (tally.allFinished()) {
			return close(tally, JobOutcome.allFinished(tally.totalTasks(), tally.succeeded(), tally.failed()));
		}
		return tally.budgetSpent().flatMap(why -> close(tally, JobOutcome.budgetSpent(tally.succeeded(), why)));
	}

	/**
	 * Records the job's size, owner and budgets, and counts the job for its tenant the first time. Idempotent;
	 * if every result already arrived (results overtook the acceptance) or they already spent the budget, the
	 * job closes here.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> accept(JobAccepted accepted) {
		ReduceStrategy reduce = accepted.reduce() == null ? ReduceStrategy.COLLECT : accepted.reduce();
		Instant acceptedAt = accepted.acceptedAt() == null ? Instant.now() : accepted.acceptedAt();
		JobLimits limits = accepted.limits();
		// updates only a row not accepted yet: a repeated acceptance returns nothing and changes nothing
		Optional<JobTally> first = jdbc.query("""
				insert into jobs (job_id, tenant, total_tasks, reduce_strategy, deadline, accepted_at, max_tokens,
				                  max_cost_usd)
				values (?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (job_id) do update set
				    tenant = excluded.tenant,
				    total_tasks = excluded.total_tasks,
				    reduce_strategy = excluded.reduce_strategy,
				    deadline = excluded.deadline,
				    accepted_at = excluded.accepted_at,
				    max_tokens = excluded.max_tokens,
				    max_cost_usd = excluded.max_cost_usd,
				    updated_at = now()
				where jobs.accepted_at is null
				returning
				""" + COLUMNS, TALLY, accepted.jobId().value(), accepted.tenant().value(), accepted.totalTasks(),
				reduce.wireName(), timestamp(accepted.deadline()), Timestamp.from(acceptedAt), limits.maxTokens(),
				limits.maxCostUsd()).stream().findFirst();
		if (first.isPresent()) {
			tenants.countJob(accepted.tenant());
		}
		return closeIfOver(first.orElseGet(() -> lock(accepted.jobId(), accepted.tenant())));
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
				tally.usage(), new JobResult(tally.reduce(), tally.succeeded() + tally.failed(), outcome.reason()), now,
				outcome.endedEarly() ? outcome.reason() : null);
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
