package io.colony.contracts;

import java.time.Instant;

/**
 * Asks the orchestrator to accept a job. Idempotent per {@code (tenant, idempotencyKey)}: the same key
 * with the same {@code requestDigest} yields the job first created; the same key with another digest
 * is rejected.
 *
 * @param jobId the id to use if this creates a new job
 * @param idempotencyKey the client's {@code Idempotency-Key}, or {@code null}
 * @param requestDigest hex SHA-256 of the request body as the client sent it
 */
public record SubmitJob(JobId jobId, TenantId tenant, String idempotencyKey, String requestDigest, JobSpec spec,
		Instant submittedAt) implements ColonyCommand {
}
