package io.colony.aggregator.result;

import io.colony.aggregator.job.TallyDelta;
import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResultView;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.pricing.Usd;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.colony.contracts.AgentStep;
import io.colony.platform.messaging.MessageCodec;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** The task_results table: one final result per (job, task), written many at a time. */
@Component
class TaskResultStore {

	private static final JsonMapper JSON = new MessageCodec().mapper();

	private static final JavaType STEPS = JSON.getTypeFactory().constructCollectionType(List.class, AgentStep.class);

	private static final RowMapper<TaskResultView> VIEW = (rs, row) -> {
		String agent = rs.getString("agent_id");
		String steps = rs.getString("steps");
		Timestamp completedAt = rs.getTimestamp("completed_at");
		return new TaskResultView(new TaskId(rs.getObject("task_id", UUID.class)), rs.getString("input_id"),
				rs.getString("status"), rs.getString("output"), rs.getString("error"), rs.getInt("attempt"),
				agent == null ? null : AgentId.of(agent),
				new Usage(rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("llm_calls"),
						rs.getLong("tool_calls"), Usd.canonical(rs.getBigDecimal("cost_usd"))),
				completedAt == null ? null : completedAt.toInstant(),
				steps == null ? List.of() : JSON.readValue(steps, STEPS));
	};

	private final JdbcTemplate jdbc;

	TaskResultStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts the results in one statement; a task that already has a final result keeps it (the
	 * {@code (job_id, task_id)} key drops a second final result from another attempt, also within the batch).
	 *
	 * @return what the results actually inserted add to each job's counters (their usage is counted apart, for
	 * every attempt, whether it was inserted or not)
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
		long[] toolCalls = new long[size];
		String[] costs = new String[size];
		String[] completedAt = new String[size];
		String[] steps = new String[size];
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
			toolCalls[i] = result.usage().toolCalls();
			costs[i] = result.usage().costUsd().toPlainString();
			completedAt[i] = result.completedAt() == null ? null : result.completedAt().toString();
			steps[i] = result.steps().isEmpty() ? null : JSON.writerFor(STEPS).writeValueAsString(result.steps());
		}
		List<TallyDelta> inserted = jdbc.query("""
				insert into task_results (job_id, task_id, tenant, input_id, status, output, error, attempt, agent_id,
				                          prompt_tokens, completion_tokens, llm_calls, tool_calls, cost_usd, completed_at,
				                          steps)
				select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
				                     ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[],
				                     ?::timestamptz[], ?::jsonb[])
				on conflict (job_id, task_id) do nothing
				returning job_id, tenant, status
				""", (rs, row) -> TallyDelta.counted(new JobId(rs.getObject("job_id", UUID.class)),
				TenantId.of(rs.getString("tenant")), "SUCCEEDED".equals(rs.getString("status"))), jobIds, taskIds,
				tenants, inputIds, statuses, outputs, errors, attempts, agents, promptTokens, completionTokens, llmCalls,
				toolCalls, costs, completedAt, steps);
		Map<JobId, TallyDelta> perJob = new LinkedHashMap<>();
		inserted.forEach(delta -> perJob.merge(delta.jobId(), delta, TallyDelta::plus));
		return List.copyOf(perJob.values());
	}

	/** One page of a job's results, ordered by input id; nothing for another tenant's job. */
	List<TaskResultView> page(JobId jobId, TenantId tenant, int page, int size) {
		return jdbc.query("""
				select task_id, input_id, status, output, error, attempt, agent_id, prompt_tokens, completion_tokens,
				       llm_calls, tool_calls, cost_usd, completed_at, steps
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
