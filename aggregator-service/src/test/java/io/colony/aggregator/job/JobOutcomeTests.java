package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.JobStatus;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobOutcomeTests {

	@Test
	void allTasksSucceededIsSucceededWithoutReason() {
		JobOutcome outcome = JobOutcome.allFinished(10, 10, 0);

		assertThat(outcome.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(outcome.reason()).isNull();
	}

	@Test
	void noTaskSucceededIsFailed() {
		JobOutcome outcome = JobOutcome.allFinished(3, 0, 3);

		assertThat(outcome.status()).isEqualTo(JobStatus.FAILED);
		assertThat(outcome.reason()).isEqualTo("all 3 tasks failed");
	}

	@Test
	void someFailedIsPartialSayingHowMany() {
		JobOutcome outcome = JobOutcome.allFinished(10, 8, 2);

		assertThat(outcome.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(outcome.reason()).isEqualTo("2 of 10 tasks failed");
	}

	@Test
	void aJobWithoutTasksSucceeds() {
		assertThat(JobOutcome.allFinished(0, 0, 0).status()).isEqualTo(JobStatus.SUCCEEDED);
	}

	@Test
	void deadlineWithSomeSuccessIsPartialNamingTheMissingTasks() {
		JobOutcome outcome = JobOutcome.deadlineReached(10, 6, 1);

		assertThat(outcome.status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(outcome.reason()).isEqualTo("deadline reached with 3 of 10 tasks missing and 1 failed");
	}

	@Test
	void deadlineWithoutSuccessIsFailed() {
		JobOutcome outcome = JobOutcome.deadlineReached(4, 0, 0);

		assertThat(outcome.status()).isEqualTo(JobStatus.FAILED);
		assertThat(outcome.reason()).isEqualTo("deadline reached with 4 of 4 tasks missing");
	}

	@Test
	void cancellationKeepsTheOrchestratorsReason() {
		assertThat(JobOutcome.cancelled("user asked")).isEqualTo(new JobOutcome(JobStatus.CANCELLED, "cancelled: user asked"));
		assertThat(JobOutcome.cancelled(null).reason()).isEqualTo("cancelled");
	}

	@Test
	void aTallyIsFinishedOnlyOnceAcceptedAndEveryTaskHasAResult() {
		JobTally beforeAcceptance = tally(null, 5, 0);
		JobTally halfway = tally(10, 4, 1);
		JobTally done = tally(10, 9, 1);

		assertThat(beforeAcceptance.allFinished()).isFalse();
		assertThat(beforeAcceptance.counts()).isEqualTo(new TaskCounts(5, 5, 0, 0));
		assertThat(halfway.allFinished()).isFalse();
		assertThat(halfway.counts()).isEqualTo(new TaskCounts(10, 4, 1, 5));
		assertThat(done.allFinished()).isTrue();
	}

	private static JobTally tally(Integer total, int succeeded, int failed) {
		return new JobTally(JobId.random(), TenantId.of("acme"), total, succeeded, failed, Usage.NONE,
				ReduceStrategy.COLLECT, false);
	}
}
