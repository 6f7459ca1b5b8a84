package io.colony.orchestrator.retry;

import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskFailed;
import io.colony.orchestrator.job.JobStates;

import java.time.Instant;

/** What to do with one failed attempt, decided from the task and job as they are now. */
sealed interface RetryDecision {

	/** The failure does not concern the current attempt (superseded, already failed, unknown): drop it. */
	record Ignore(String why) implements RetryDecision {
	}

	/** Run the task again as {@code attempt}, not before {@code availableAt}. */
	record Retry(int attempt, Instant availableAt) implements RetryDecision {
	}

	/** The task is over: {@code FAILED} when its failure is final, {@code ABANDONED} when the job is over. */
	record GiveUp(String taskStatus, String why) implements RetryDecision {
	}

	/**
	 * @param currentAttempt the task's current attempt
	 * @param taskStatus {@code ASSIGNED}, {@code FAILED} or {@code ABANDONED}
	 * @param deadlineFlagged whether the job's deadline was already reported
	 */
	static RetryDecision decide(TaskFailed failed, int currentAttempt, String taskStatus, int maxAttempts,
			JobStatus jobStatus, Instant deadline, boolean deadlineFlagged, Instant now, RetryBackoff backoff) {
		if (!"ASSIGNED".equals(taskStatus)) {
			return new Ignore("task is already " + taskStatus);
		}
		if (failed.attempt() != currentAttempt) {
			return new Ignore("attempt " + failed.attempt() + " was superseded by attempt " + currentAttempt);
		}
		if (failed.isFinal() || failed.attempt() >= maxAttempts) {
			return new GiveUp("FAILED", "final failure of attempt " + failed.attempt());
		}
		if (!JobStates.acceptsRetries(jobStatus)) {
			return new GiveUp("ABANDONED", "job is " + jobStatus);
		}
		Instant availableAt = now.plus(backoff.after(failed.attempt()));
		if (deadlineFlagged || !availableAt.isBefore(deadline)) {
			return new GiveUp("ABANDONED", "no time left before the job's deadline " + deadline);
		}
		return new Retry(failed.attempt() + 1, availableAt);
	}
}
