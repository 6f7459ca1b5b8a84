package io.colony.orchestrator.retry;

import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.JobStatus;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryDecisionTests {

	private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	private static final Instant DEADLINE = NOW.plus(Duration.ofHours(1));

	private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void retriesARetryableFailureOfTheCurrentAttemptAfterTheBackoff() {
		RetryDecision decision = decide(failure(2, true, false), 2, JobStatus.RUNNING, DEADLINE, false);

		assertThat(decision).isEqualTo(new RetryDecision.Retry(3, NOW.plusSeconds(2)));
	}

	@Test
	void ignoresAFailureOfASupersededAttempt() {
		assertThat(decide(failure(1, true, false), 2, JobStatus.RUNNING, DEADLINE, false))
			.isInstanceOf(RetryDecision.Ignore.class);
	}

	@Test
	void ignoresFailuresOfATaskThatIsAlreadyOver() {
		assertThat(RetryDecision.decide(failure(1, true, false), 1, "FAILED", 3, JobStatus.RUNNING, DEADLINE, false,
				NOW, backoff)).isInstanceOf(RetryDecision.Ignore.class);
	}

	@Test
	void givesUpOnAFinalFailure() {
		assertThat(decide(failure(1, false, false), 1, JobStatus.RUNNING, DEADLINE, false))
			.isEqualTo(new RetryDecision.GiveUp("FAILED", "final failure of attempt 1"));
		assertThat(decide(failure(1, true, true), 1, JobStatus.RUNNING, DEADLINE, false))
			.extracting(d -> ((RetryDecision.GiveUp) d).taskStatus())
			.isEqualTo("FAILED");
	}

	@Test
	void givesUpWhenTheAttemptsAreUsedUpEvenIfTheWorkerDidNotSaySo() {
		assertThat(decide(failure(3, true, false), 3, JobStatus.RUNNING, DEADLINE, false))
			.extracting(d -> ((RetryDecision.GiveUp) d).taskStatus())
			.isEqualTo("FAILED");
	}

	@Test
	void abandonsTheTaskWhenTheJobIsOver() {
		for (JobStatus over : new JobStatus[] { JobStatus.CANCELLED, JobStatus.SUCCEEDED, JobStatus.PARTIAL,
				JobStatus.FAILED }) {
			assertThat(decide(failure(1, true, false), 1, over, DEADLINE, false))
				.extracting(d -> ((RetryDecision.GiveUp) d).taskStatus())
				.isEqualTo("ABANDONED");
		}
	}

	@Test
	void abandonsTheTaskWhenTheNextAttemptWouldStartAfterTheDeadline() {
		assertThat(decide(failure(1, true, false), 1, JobStatus.RUNNING, NOW.plusMillis(500), false))
			.extracting(d -> ((RetryDecision.GiveUp) d).taskStatus())
			.isEqualTo("ABANDONED");
		assertThat(decide(failure(1, true, false), 1, JobStatus.RUNNING, DEADLINE, true))
			.extracting(d -> ((RetryDecision.GiveUp) d).taskStatus())
			.isEqualTo("ABANDONED");
	}

	private RetryDecision decide(TaskFailed failed, int currentAttempt, JobStatus jobStatus, Instant deadline,
			boolean flagged) {
		return RetryDecision.decide(failed, currentAttempt, "ASSIGNED", 3, jobStatus, deadline, flagged, NOW, backoff);
	}

	private static TaskFailed failure(int attempt, boolean retryable, boolean finalAttempt) {
		return new TaskFailed(JobId.random(), TaskId.random(), TenantId.of("acme"), "in-1", attempt,
				AgentId.of("agent-1"), "boom", retryable, finalAttempt, NOW);
	}
}
