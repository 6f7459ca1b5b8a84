package io.colony.credentials.audit;

/**
 * Where the audit log stops being trustworthy: the lowest seq at which verification found it altered.
 *
 * @param seq the entry that is wrong or missing (for a truncated tail, the first removed entry)
 * @param reason what is wrong with it, for a person
 */
public record AuditBreach(long seq, String reason) {
}
