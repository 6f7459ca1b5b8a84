package io.colony.orchestrator.view;

import io.colony.contracts.JobId;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobView;
import io.colony.contracts.MissingTask;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.pricing.Usd;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the job view; a job of another tenant does not exist for the caller. A held job (no live agent served
 * its type yet) is {@code ACCEPTED} with a result of 0 items whose reason says what it waits for.
 *
 * <p>A job that ended {@code PARTIAL}, {@code FAILED} or {@code CANCELLED} lists its tasks without an output
 * ({@code missing}, the first {@code max-missing-listed} by input id): {@code failed} (its last error),
 * {@code skipped} (which dependency produced nothing) and {@code unfinished} (not done when the job ended: "deadline
 * reached", or why the job ended). Only a tracked job's successes are known here; an untracked scatter-gather job
 * lists its tasks that failed for good or were abandoned.
 */
@Component
class JobViews {

	private static final Set<JobStatus> LISTS_MISSING = Set.of(JobStatus.PARTIAL, JobStatus.FAILED,
			JobStatus.CANCELLED);

	private final JdbcTemplate jdbc;

	private final JobViewProperties properties;

	JobViews(JdbcTemplate jdbc, JobViewProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	Optional<JobView> find(JobId jobId, TenantId tenant) {
		return jdbc.query("""
				select job_id, status, agent, total_tasks, succeeded_tasks, failed_tasks, prompt_tokens,
				       completion_tokens, llm_calls, tool_calls, cost_usd, result_strategy, result_items, result_reason, accepted_at, deadline,
				       completed_at, held_since, reduce_strategy, pattern, tracked, deadline_flagged_at, cancel_reason
				from jobs where job_id = ? and tenant = ?
				""", JobViews::row, jobId.value(), tenant.value())
			.stream()
			.findFirst()
			.map(found -> found.view().status().isTerminal() ? withMissing(found) : found.view());
	}

	/** The view as the job row has it, with what listing its missing tasks needs. */
	private record Row(JobView view, boolean tracked, String endReason) {
	}

	/**
	 * A finished job's view with its missing tasks. For a tracked job both the missing tasks and the succeeded count
	 * come from its tasks' final states here: the counts the aggregator closed the job with miss a result that
	 * arrived just after it closed (a task running when the deadline passed), which the task table still records.
	 */
	private JobView withMissing(Row row) {
		JobView view = row.view();
		TaskCounts tasks = view.tasks();
		if (row.tracked() && LISTS_MISSING.contains(view.status())) {
			int succeeded = jdbc.queryForObject("select count(*) from tasks where job_id = ? and status = 'SUCCEEDED'",
					Integer.class, view.jobId().value());
			tasks = TaskCounts.of(tasks.total(), succeeded, tasks.failed());
		}
		return new JobView(view.jobId(), view.status(), view.agent(), tasks, view.usage(), view.result(),
				view.acceptedAt(), view.deadline(), view.completedAt(), view.pattern(),
				missing(view.jobId().value(), view.status(), row.tracked(), row.endReason()));
	}

	private List<MissingTask> missing(UUID jobId, JobStatus status, boolean tracked, String jobReason) {
		if (!LISTS_MISSING.contains(status) || properties.maxMissingListed() == 0) {
			return List.of();
		}
		String statuses = tracked ? "status <> 'SUCCEEDED'" : "status in ('FAILED', 'ABANDONED')";
		return jdbc.query("select input_id, status, last_error from tasks where job_id = ? and " + statuses
				+ " order by input_id limit ?", (rs, n) -> {
					String taskStatus = rs.getString("status");
					return switch (taskStatus) {
						case "FAILED" -> new MissingTask(rs.getString("input_id"), "failed", rs.getString("last_error"));
						case "SKIPPED" -> new MissingTask(rs.getString("input_id"), "skipped", rs.getString("last_error"));
						default -> new MissingTask(rs.getString("input_id"), "unfinished", jobReason);
					};
				}, jobId, properties.maxMissingListed());
	}

	/** Why a job ended before all its tasks did, as its unfinished tasks report it. */
	private static String endReason(ResultSet rs, JobStatus status) throws SQLException {
		if (status != JobStatus.CANCELLED && rs.getTimestamp("deadline_flagged_at") != null) {
			return "deadline reached";
		}
		if (rs.getString("cancel_reason") != null) {
			return rs.getString("cancel_reason");
		}
		if (rs.getString("result_reason") != null) {
			return rs.getString("result_reason");
		}
		return "job ended as " + status;
	}

	private static Row row(ResultSet rs, int row) throws SQLException {
		String strategy = rs.getString("result_strategy");
		JobStatus status = JobStatus.valueOf(rs.getString("status"));
		JobResult result;
		if (strategy != null) {
			result = new JobResult(ReduceStrategy.fromWireName(strategy), rs.getInt("result_items"),
					rs.getString("result_reason"));
		}
		else if (rs.getTimestamp("held_since") != null && !status.isTerminal()) {
			result = new JobResult(ReduceStrategy.fromWireName(rs.getString("reduce_strategy")), 0,
					heldReason(rs.getString("agent")));
		}
		else {
			result = null;
		}
		return new Row(new JobView(new JobId(rs.getObject("job_id", UUID.class)), status,
				rs.getString("agent"),
				TaskCounts.of(rs.getInt("total_tasks"), rs.getInt("succeeded_tasks"), rs.getInt("failed_tasks")),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls"),
						rs.getLong("tool_calls"), Usd.canonical(rs.getBigDecimal("cost_usd"))),
				result,
				instant(rs.getTimestamp("accepted_at")), instant(rs.getTimestamp("deadline")),
				instant(rs.getTimestamp("completed_at")), rs.getString("pattern"), List.of()),
				rs.getBoolean("tracked"), endReason(rs, status));
	}

	/** Why a held job has no tasks running yet; {@code JobView} has no other place for it than the result's reason. */
	static String heldReason(String agentType) {
		return "waiting for an agent serving " + agentType;
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}
}
