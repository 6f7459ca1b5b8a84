package io.colony.aggregator.result;

import io.colony.aggregator.job.TallyDelta;
import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResultView;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The task_results table: one final result per (job, task), written many at a time. */
@Component
class TaskResultStore {

	private static final RowMapper<TaskResultView> VIEW = (rs, row) -> {
		String agent = rs.getString("agent_id");
		Timestamp completedAt = rs.getTimestamp("completed_at");
		return new TaskResultView(new TaskId(rs.getObject("task_id", UUID.class)), rs.getString("input_id"),
				rs.getString("status"), rs.getString("output"), rs.getString("error"), rs.getInt("attempt"),
				agent == null ? null : AgentId.of(agent),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls")),
				completedAt == null ? null : completedAt.toInstant());
	};

	private final JdbcTemplate jdbc;

	TaskResultStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts the results in one statement; a task that already has a final result keeps it (the
	 * {@code (job_id, task_id)} key drops a second final result from another attempt, also within the batch).
	 *
	 * @return what the results actually inserted add to each job's counters
	 */
	List<TallyDelta> insertNew(List<FinalResult> results) {
		if (results.isEmpty()) {
			return List.of();
		}
		List<FinalResult> ordered = results.stream()
			.sorted(Comparator.comparing((FinalResult r) -> r.jobId().value()).thenComparing(r -> r.taskId().value()))
			.toList();
		int size = ordered.size();
		UUID[] jobIds = new UUID[size];
		UUID[] taskIds = new UUID[size];
		String[] tenants = new String[size];
		String[] inputIds = new String[size];
		String[] statuses = new String[size];
		String[] outputs = new String[size];
		String[] errors = new String[size];
		int[] attempts = new int[size];
		String[] agents = new String[size];
		long[] promptTokens = new long[size];
		long[] completionTokens = new long[size];
		long[] llmCalls = new long[size];
		String[] completedAt = new String[size];
		for (int i = 0; i < size; i++) {
			FinalResult result = ordered.get(i);
			jobIds[i] = result.jobId().value();
			taskIds[i] = result.taskId().value();
			tenants[i] = result.tenant().value();
			inputIds[i] = result.inputId();
			statuses[i] = result.succeeded() ? "SUCCEEDED" : "FAILED";
			outputs[i] = result.output();
			errors[i] = result.error();
			attempts[i] = result.attempt();
			agents[i] = result.agentId() == null ? null : result.agentId().value();
			promptTokens[i] = result.usage().promptTokens();
			completionTokens[i] = result.usage().completionTokens();
			llmCalls[i] = result.usage().llmCalls();
			completedAt[i] = result.completedAt() == null ? null : result.completedAt().toString();
		}
		List<TallyDelta> inserted = jdbc.query("""
				insert into task_results (job_id, task_id, tenant, input_id, status, output, error, attempt, agent_id,
				                          prompt_tokens, completion_tokens, llm_calls, completed_at)
				select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
				                     ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::timestamptz[])
				on conflict (job_id, task_id) do nothing
				returning job_id, tenant, status, prompt_tokens, completion_tokens, llm_calls
				""", (rs, row) -> {
			boolean succeeded = "SUCCEEDED".equals(rs.getString("status"));
			return new TallyDelta(new JobId(rs.getObject("job_id", UUID.class)), TenantId.of(rs.getString("tenant")),
					succeeded ? 1 : 0, succeeded ? 0 : 1,
					new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls")));
		}, jobIds, taskIds, tenants, inputIds, statuses, outputs, errors, attempts, agents, promptTokens,
				completionTokens, llmCalls, completedAt);
		Map<JobId, TallyDelta> perJob = new LinkedHashMap<>();
		inserted.forEach(delta -> perJob.merge(delta.jobId(), delta, TallyDelta::plus));
		return List.copyOf(perJob.values());
	}

	/** One page of a job's results, ordered by input id; nothing for another tenant's job. */
	List<TaskResultView> page(JobId jobId, TenantId tenant, int page, int size) {
		return jdbc.query("""
				select task_id, input_id, status, output, error, attempt, agent_id, prompt_tokens, completion_tokens,
				       llm_calls, completed_at
				from task_results
				where job_id = ? and tenant = ?
				order by input_id, task_id
				limit ? offset ?
				""", VIEW, jobId.value(), tenant.value(), size, (long) page * size);
	}

	long count(JobId jobId, TenantId tenant) {
		Long count = jdbc.queryForObject("select count(*) from task_results where job_id = ? and tenant = ?", Long.class,
				jobId.value(), tenant.value());
		return count == null ? 0 : count;
	}
}
