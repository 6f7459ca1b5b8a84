package io.colony.contracts;

/**
 * A task of a job that ended without its output: failed, skipped because what it depended on failed, or not
 * finished when the job ended (deadline, success ratio, budget, cancellation).
 *
 * @param inputId the task's input id as its results name it ({@code <stage>/<input>} in a pipeline)
 * @param status {@code failed}, {@code skipped} or {@code unfinished}
 * @param reason why, when known
 */
public record MissingTask(String inputId, String status, String reason) {
}
