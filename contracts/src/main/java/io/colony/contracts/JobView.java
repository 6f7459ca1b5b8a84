package io.colony.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A job as the orchestrator serves it to the gateway ({@code GET /internal/v1/jobs/{id}}) and the gateway
 * serves it to clients. Counts and usage lag the aggregator by at most one progress interval.
 *
 * @param pattern the job's pattern ({@code scatter-gather}, {@code pipeline}, {@code supervisor})
 * @param missing for a job that ended without every task's output: which tasks, and why (at most the orchestrator's
 * configured number, the first by input id); empty otherwise
 */
public record JobView(JobId jobId, JobStatus status, String agent, TaskCounts tasks, Usage usage, JobResult result,
		Instant acceptedAt, Instant deadline, Instant completedAt, String pattern, List<MissingTask> missing) {

	public JobView {
		missing = missing == null ? List.of() : List.copyOf(missing);
	}

	public JobView(JobId jobId, JobStatus status, String agent, TaskCounts tasks, Usage usage, JobResult result,
			Instant acceptedAt, Instant deadline, Instant completedAt) {
		this(jobId, status, agent, tasks, usage, result, acceptedAt, deadline, completedAt, ScatterGather.PATTERN,
				List.of());
	}
}
