package io.colony.credentials.audit;

/**
 * The outcome of checking the whole audit log, as {@code GET /api/v1/credentials/audit/verify} serves it.
 *
 * @param valid whether nothing was found wrong
 * @param entries how many entries the log holds
 * @param checkpoints how many checkpoints were recorded
 * @param lastCheckpoint the checkpoint with the highest seq whose signature verifies; {@code null} when none does
 * @param firstBad the lowest seq at which the log was found altered; {@code null} when valid
 */
public record AuditVerification(boolean valid, long entries, long checkpoints, AuditCheckpoint lastCheckpoint,
		AuditBreach firstBad) {
}
