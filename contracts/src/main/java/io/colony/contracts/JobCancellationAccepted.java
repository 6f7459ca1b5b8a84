package io.colony.contracts;

/** The job is cancelled (or was already finished, in which case {@code status} says how). */
public record JobCancellationAccepted(JobId jobId, JobStatus status) implements CommandReply {
}
