package io.colony.aggregator.job;

import io.colony.aggregator.usage.TenantUsageLedger;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobId;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobPlanChanged;
import io.colony.contracts.JobResult;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.platform.pricing.Usd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

	private static final Logger log = LoggerFactory.getLogger(JobLedger.class);

	private static final String COLUMNS = """
			job_id, tenant, total_tasks, succeeded, failed, prompt_tokens, completion_tokens, llm_calls, tool_calls,
			cost_usd, reduce_strategy, max_tokens, max_cost_usd, closed_at is not null as closed,
			accepted_at is not null as accepted, plan_open, plan_failure, success_ratio
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
				rs.getBoolean("closed"), rs.getBoolean("accepted"), rs.getBoolean("plan_open"),
				rs.getString("plan_failure"), rs.getBigDecimal("success_ratio"));
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
	 * Closes an accepted job that is over, if nobody closed it yet: when its plan failed; when all its tasks have
	 * finished and no more will be planned, or its success ratio is reached (or missed) with the plan closed; or
	 * else when its usage has reached its budget (the tasks still running are then stopped by the orchestrator,
	 * which reacts to the early {@code JobCompleted}). Runs after every change of the row (results, acceptance,
	 * plan), so their order does not matter. {@code tally} must come from this transaction (its row is locked).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> closeIfOver(JobTally tally) {
		if (tally.closed() || !tally.accepted()) {
			return Optional.empty();
		}
		if (tally.planFailure() != null) {
			return close(tally, JobOutcome.planFailed(tally.planFailure()));
		}
		Optional<JobOutcome> onCount = tally.outcomeOnCount();
		if (onCount.isPresent()) {
			return close(tally, onCount.get());
		}
		return tally.budgetSpent().flatMap(why -> close(tally, JobOutcome.budgetSpent(tally.succeeded(), why)));
	}

	/**
	 * Records the job's size, owner, budgets, success ratio and whether its plan is open, and counts the job for
	 * its tenant the first time. Idempotent; if every result already arrived (results overtook the acceptance),
	 * they already spent the budget, or a plan event that overtook it closed or failed the plan, the job closes
	 * here. A plan event applied before keeps its total and open flag: it is newer than the acceptance.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> accept(JobAccepted accepted) {
		ReduceStrategy reduce = accepted.reduce() == null ? ReduceStrategy.COLLECT : accepted.reduce();
		Instant acceptedAt = accepted.acceptedAt() == null ? Instant.now() : accepted.acceptedAt();
		JobLimits limits = accepted.limits();
		// updates only a row not accepted yet: a repeated acceptance returns nothing and changes nothing
		Optional<JobTally> first = jdbc.query("""
				insert into jobs (job_id, tenant, total_tasks, reduce_strategy, deadline, accepted_at, max_tokens,
				                  max_cost_usd, plan_open, success_ratio)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				on conflict (job_id) do update set
				    tenant = excluded.tenant,
				    total_tasks = case when jobs.plan_changed_at is null then excluded.total_tasks
				                       else jobs.total_tasks end,
				    plan_open = case when jobs.plan_changed_at is null then excluded.plan_open else jobs.plan_open end,
				    reduce_strategy = excluded.reduce_strategy,
				    deadline = excluded.deadline,
				    accepted_at = excluded.accepted_at,
				    max_tokens = excluded.max_tokens,
				    max_cost_usd = excluded.max_cost_usd,
				    success_ratio = excluded.success_ratio,
				    updated_at = now()
				where jobs.accepted_at is null
				returning
				""" + COLUMNS, TALLY, accepted.jobId().value(), accepted.tenant().value(), accepted.totalTasks(),
				reduce.wireName(), timestamp(accepted.deadline()), Timestamp.from(acceptedAt), limits.maxTokens(),
				limits.maxCostUsd(), accepted.planOpen(), successRatio(accepted)).stream().findFirst();
		if (first.isPresent()) {
			tenants.countJob(accepted.tenant());
		}
		return closeIfOver(first.orElseGet(() -> lock(accepted.jobId(), accepted.tenant())));
	}

	/**
	 * Applies the orchestrator's new plan of an open job: its total, whether more tasks may be planned, and a
	 * failure that ends it; then closes it if that (with the results so far) is its end. A closed job does not
	 * change. Events may overtake the acceptance (the job then closes on it) and each other (an event older than
	 * the one applied last, by {@code at}, changes nothing).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<JobCompleted> planChanged(JobPlanChanged plan) {
		JobTally tally = lock(plan.jobId(), plan.tenant());
		if (tally.closed()) {
			return Optional.empty();
		}
		Instant at = plan.at() == null ? Instant.now() : plan.at();
		Optional<JobTally> changed = jdbc.query("""
				update jobs set total_tasks = ?, plan_open = ?, plan_failure = coalesce(plan_failure, ?),
				                plan_changed_at = ?, updated_at = now()
				where job_id = ? and (plan_changed_at is null or plan_changed_at <= ?)
				returning
				""" + COLUMNS, TALLY, plan.totalTasks(), plan.open(), plan.failure(), Timestamp.from(at),
				plan.jobId().value(), Timestamp.from(at)).stream().findFirst();
		return changed.flatMap(this::closeIfOver);
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

	/**
	 * The job's success ratio, or {@code null} for one outside (0, 1]: the gateway and the orchestrator refuse
	 * those, and dead-lettering the acceptance for it would leave the job open until its deadline.
	 */
	private static BigDecimal successRatio(JobAccepted accepted) {
		BigDecimal ratio = accepted.limits().successRatio();
		if (ratio != null && (ratio.signum() <= 0 || ratio.compareTo(BigDecimal.ONE) > 0)) {
			log.warn("job {}: ignoring successRatio {} outside (0, 1]", accepted.jobId(), ratio.toPlainString());
			return null;
		}
		return ratio;
	}

	/** The same for every attempt to close the job, so that even a duplicate could be de-duplicated downstream. */
	static UUID completionMessageId(JobId jobId) {
		return UUID.nameUUIDFromBytes((jobId + ":completed").getBytes(StandardCharsets.UTF_8));
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}
}
