package io.colony.contracts;

/** Asks the orchestrator to stop a job: queued tasks are dropped and running ones abandoned. */
public record CancelJob(JobId jobId, TenantId tenant, String reason) implements ColonyCommand {
}
