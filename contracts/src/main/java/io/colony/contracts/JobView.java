package io.colony.contracts;

import java.time.Instant;

/**
 * A job as the orchestrator serves it to the gateway ({@code GET /internal/v1/jobs/{id}}) and the gateway
 * serves it to clients. Counts and usage lag the aggregator by at most one progress interval.
 */
public record JobView(JobId jobId, JobStatus status, String agent, TaskCounts tasks, Usage usage, JobResult result,
		Instant acceptedAt, Instant deadline, Instant completedAt) {
}
