package io.colony.orchestrator.view;

import io.colony.contracts.JobId;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobView;
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
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the job view; a job of another tenant does not exist for the caller. A held job (no live agent served
 * its type yet) is {@code ACCEPTED} with a result of 0 items whose reason says what it waits for.
 */
@Component
class JobViews {

	private final JdbcTemplate jdbc;

	JobViews(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Optional<JobView> find(JobId jobId, TenantId tenant) {
		return jdbc.query("""
				select job_id, status, agent, total_tasks, succeeded_tasks, failed_tasks, prompt_tokens,
				       completion_tokens, llm_calls, tool_calls, cost_usd, result_strategy, result_items, result_reason, accepted_at, deadline,
				       completed_at, held_since, reduce_strategy
				from jobs where job_id = ? and tenant = ?
				""", JobViews::view, jobId.value(), tenant.value()).stream().findFirst();
	}

	private static JobView view(ResultSet rs, int row) throws SQLException {
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
		return new JobView(new JobId(rs.getObject("job_id", UUID.class)), status,
				rs.getString("agent"),
				TaskCounts.of(rs.getInt("total_tasks"), rs.getInt("succeeded_tasks"), rs.getInt("failed_tasks")),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls"),
						rs.getLong("tool_calls"), Usd.canonical(rs.getBigDecimal("cost_usd"))),
				result,
				instant(rs.getTimestamp("accepted_at")), instant(rs.getTimestamp("deadline")),
				instant(rs.getTimestamp("completed_at")));
	}

	/** Why a held job has no tasks running yet; {@code JobView} has no other place for it than the result's reason. */
	static String heldReason(String agentType) {
		return "waiting for an agent serving " + agentType;
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}
}
