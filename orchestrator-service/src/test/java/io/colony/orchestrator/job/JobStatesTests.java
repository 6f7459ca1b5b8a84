package io.colony.orchestrator.job;

import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskCounts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobStatesTests {

	@Test
	void progressMovesAnOpenJobToRunningAndNeverReopensAFinishedOne() {
		assertThat(JobStates.afterProgress(JobStatus.ACCEPTED)).isEqualTo(JobStatus.RUNNING);
		assertThat(JobStates.afterProgress(JobStatus.RUNNING)).isEqualTo(JobStatus.RUNNING);
		assertThat(JobStates.afterProgress(JobStatus.SUCCEEDED)).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(JobStates.afterProgress(JobStatus.CANCELLED)).isEqualTo(JobStatus.CANCELLED);
	}

	@Test
	void completionTakesTheReportedStatusExceptForACancelledJob() {
		assertThat(JobStates.afterCompletion(JobStatus.RUNNING, JobStatus.PARTIAL)).isEqualTo(JobStatus.PARTIAL);
		assertThat(JobStates.afterCompletion(JobStatus.ACCEPTED, JobStatus.FAILED)).isEqualTo(JobStatus.FAILED);
		assertThat(JobStates.afterCompletion(JobStatus.CANCELLED, JobStatus.SUCCEEDED)).isEqualTo(JobStatus.CANCELLED);
		assertThat(JobStates.afterCompletion(JobStatus.RUNNING, JobStatus.RUNNING)).isEqualTo(JobStatus.RUNNING);
	}

	@Test
	void cancellationDependsOnWhetherTheJobIsOver() {
		assertThat(JobStates.cancellation(JobStatus.ACCEPTED)).isEqualTo(JobStates.Cancellation.CANCEL);
		assertThat(JobStates.cancellation(JobStatus.RUNNING)).isEqualTo(JobStates.Cancellation.CANCEL);
		assertThat(JobStates.cancellation(JobStatus.CANCELLED)).isEqualTo(JobStates.Cancellation.ALREADY_CANCELLED);
		assertThat(JobStates.cancellation(JobStatus.SUCCEEDED)).isEqualTo(JobStates.Cancellation.ALREADY_FINISHED);
		assertThat(JobStates.cancellation(JobStatus.FAILED)).isEqualTo(JobStates.Cancellation.ALREADY_FINISHED);
	}

	@Test
	void onlyOpenJobsAcceptRetries() {
		assertThat(JobStates.acceptsRetries(JobStatus.RUNNING)).isTrue();
		assertThat(JobStates.acceptsRetries(JobStatus.ACCEPTED)).isTrue();
		assertThat(JobStates.acceptsRetries(JobStatus.CANCELLED)).isFalse();
		assertThat(JobStates.acceptsRetries(JobStatus.PARTIAL)).isFalse();
	}

	@Test
	void anEarlyEndWithTasksStillRunningStopsThemOnce() {
		TaskCounts running = TaskCounts.of(10, 4, 0);
		assertThat(JobStates.endedWithTasksRunning(JobStatus.RUNNING, JobStatus.PARTIAL, running)).isTrue();
		assertThat(JobStates.endedWithTasksRunning(JobStatus.ACCEPTED, JobStatus.FAILED, TaskCounts.of(3, 0, 1)))
			.isTrue();
		assertThat(JobStates.endedWithTasksRunning(JobStatus.PARTIAL, JobStatus.PARTIAL, running))
			.as("a redelivered completion").isFalse();
		assertThat(JobStates.endedWithTasksRunning(JobStatus.CANCELLED, JobStatus.CANCELLED, running))
			.as("the client's cancellation already stopped them").isFalse();
		assertThat(JobStates.endedWithTasksRunning(JobStatus.RUNNING, JobStatus.PARTIAL, TaskCounts.of(10, 9, 1)))
			.as("every task finished").isFalse();
		assertThat(JobStates.endedWithTasksRunning(JobStatus.RUNNING, JobStatus.PARTIAL, null)).isFalse();
	}
}
