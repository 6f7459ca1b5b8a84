package io.colony.orchestrator.job;

import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskCounts;

/**
 * The orchestrator's rules for moving a job between states. A terminal job never moves back; a cancelled
 * job stays cancelled whatever the aggregator reports afterwards.
 */
public final class JobStates {

	private JobStates() {
	}

	/** Status after a progress report: running unless it is already over. */
	public static JobStatus afterProgress(JobStatus current) {
		return current.isTerminal() ? current : JobStatus.RUNNING;
	}

	/** Status after the aggregator closed the job with {@code reported}. */
	public static JobStatus afterCompletion(JobStatus current, JobStatus reported) {
		if (current == JobStatus.CANCELLED || !reported.isTerminal()) {
			return current;
		}
		return reported;
	}

	/**
	 * Whether the aggregator's {@code completed} ended a job in {@code current} before all its tasks were done
	 * (budget spent, deadline passed), so that the orchestrator must stop the ones still queued or running. A
	 * job that is already terminal here (cancelled, or this completion seen before) needs nothing more.
	 */
	public static boolean endedWithTasksRunning(JobStatus current, JobStatus reported, TaskCounts tasks) {
		return !current.isTerminal() && (reported == JobStatus.PARTIAL || reported == JobStatus.FAILED)
				&& tasks != null && tasks.running() > 0;
	}

	/** Whether a failed attempt of a task of a job in {@code current} may still be retried. */
	public static boolean acceptsRetries(JobStatus current) {
		return !current.isTerminal();
	}

	/** What a cancellation does to a job in {@code current}. */
	public static Cancellation cancellation(JobStatus current) {
		if (current == JobStatus.CANCELLED) {
			return Cancellation.ALREADY_CANCELLED;
		}
		return current.isTerminal() ? Cancellation.ALREADY_FINISHED : Cancellation.CANCEL;
	}

	public enum Cancellation {
		CANCEL, ALREADY_CANCELLED, ALREADY_FINISHED
	}
}
