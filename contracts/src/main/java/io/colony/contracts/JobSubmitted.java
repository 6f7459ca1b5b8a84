package io.colony.contracts;

/**
 * The job is durably stored and its tasks are on their way.
 *
 * @param replayed {@code true} when an earlier submission with the same idempotency key created it
 */
public record JobSubmitted(JobId jobId, JobStatus status, boolean replayed) implements CommandReply {
}
