package io.colony.contracts;

/**
 * The reduced result of a job. For {@code collect} the items themselves are served page by page from
 * the job's results; this carries how many there are and, when the job did not fully succeed, why.
 */
public record JobResult(ReduceStrategy strategy, int items, String reason) {
}
