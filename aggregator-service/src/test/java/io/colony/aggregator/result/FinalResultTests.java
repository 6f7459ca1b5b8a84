package io.colony.aggregator.result;

import io.colony.aggregator.job.TallyDelta;
import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownTaskResult;
import io.colony.contracts.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FinalResultTests {

	private static final JobId JOB = JobId.random();

	private static final TenantId TENANT = TenantId.of("acme");

	@Test
	void aCompletedTaskIsASuccessWithItsOutputAndUsage() {
		TaskCompleted done = new TaskCompleted(JOB, TaskId.random(), TENANT, "in-1", 2, AgentId.of("agent-7"), "ok",
				new Usage(10, 5, 1), Instant.EPOCH, Instant.EPOCH.plusSeconds(1));

		FinalResult result = FinalResult.of(done).orElseThrow();

		assertThat(result.succeeded()).isTrue();
		assertThat(result.output()).isEqualTo("ok");
		assertThat(result.attempt()).isEqualTo(2);
		assertThat(result.usage()).isEqualTo(new Usage(10, 5, 1));
	}

	@Test
	void onlyAFinalFailureIsRecorded() {
		TaskFailed retryable = failed(true, false);
		TaskFailed lastAttempt = failed(true, true);
		TaskFailed notRetryable = failed(false, false);

		assertThat(FinalResult.of(retryable)).isEmpty();
		assertThat(FinalResult.of(lastAttempt)).get().extracting(FinalResult::error).isEqualTo("boom");
		assertThat(FinalResult.of(notRetryable)).get().extracting(FinalResult::succeeded).isEqualTo(false);
	}

	@Test
	void aFinalFailureKeepsWhatTheAttemptSpent() {
		Usage spent = new Usage(900, 100, 3, 2, new BigDecimal("0.0042"));
		TaskFailed stopped = new TaskFailed(JOB, TaskId.random(), TENANT, "in-1", 1, AgentId.of("agent-7"),
				"token budget of the task spent", false, false, Instant.EPOCH, spent, List.of());

		assertThat(FinalResult.of(stopped)).get().extracting(FinalResult::usage).isEqualTo(spent);
	}

	@Test
	void everyAttemptThatSpentSomethingCountsFinalOrNot() {
		Usage spent = new Usage(900, 100, 3, 2, new BigDecimal("0.0042"));
		TaskFailed retried = new TaskFailed(JOB, TaskId.random(), TENANT, "in-1", 1, AgentId.of("agent-7"), "timeout",
				true, false, Instant.EPOCH, spent, List.of());
		TaskCompleted done = new TaskCompleted(JOB, TaskId.random(), TENANT, "in-1", 2, AgentId.of("agent-7"), "ok",
				new Usage(10, 5, 1), Instant.EPOCH, Instant.EPOCH);

		assertThat(FinalResult.spendOf(retried)).contains(new TallyDelta(JOB, TENANT, 0, 0, spent));
		assertThat(FinalResult.spendOf(done)).contains(new TallyDelta(JOB, TENANT, 0, 0, new Usage(10, 5, 1)));
		assertThat(FinalResult.spendOf(failed(true, false))).as("spent nothing").isEmpty();
		assertThat(FinalResult.spendOf(new UnknownTaskResult("TaskTeleported"))).isEmpty();
	}

	@Test
	void unknownResultTypesAreIgnored() {
		assertThat(FinalResult.of(new UnknownTaskResult("TaskTeleported"))).isEmpty();
		assertThat(FinalResult.invalid(new UnknownTaskResult("TaskTeleported"))).isNull();
	}

	@Test
	void aResultWithoutItsKeysCanNeverBeRecorded() {
		TaskCompleted noTask = new TaskCompleted(JOB, null, TENANT, "in-1", 1, null, "ok", null, null, null);

		assertThat(FinalResult.invalid(noTask)).isEqualTo("has no taskId");
	}

	private static TaskFailed failed(boolean retryable, boolean finalAttempt) {
		return new TaskFailed(JOB, TaskId.random(), TENANT, "in-1", 1, AgentId.of("agent-7"), "boom", retryable,
				finalAttempt, Instant.EPOCH);
	}
}
