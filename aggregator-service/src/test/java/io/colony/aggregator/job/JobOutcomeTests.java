package io.colony.aggregator.job;

import io.colony.contracts.JobId;
import io.colony.contracts.JobStatus;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

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
		assertThat(JobOutcome.cancelled("user asked"))
			.isEqualTo(new JobOutcome(JobStatus.CANCELLED, "cancelled: user asked", true));
		assertThat(JobOutcome.cancelled(null).reason()).isEqualTo("cancelled");
	}

	@Test
	void onlyEarlyEndsCarryTheirReasonAsTheJobsOwn() {
		assertThat(JobOutcome.allFinished(10, 8, 2).endedEarly()).isFalse();
		assertThat(JobOutcome.deadlineReached(10, 8, 0).endedEarly()).isTrue();
		assertThat(JobOutcome.cancelled(null).endedEarly()).isTrue();
		assertThat(JobOutcome.budgetSpent(1, "token budget of 1 spent (2 used)").endedEarly()).isTrue();
	}

	@Test
	void aTokenBudgetIsSpentOnceTheTokensReachIt() {
		assertThat(JobOutcome.budgetSpent(5000L, null, new Usage(3000, 1999, 3))).isEmpty();
		assertThat(JobOutcome.budgetSpent(5000L, null, new Usage(3000, 2000, 3)))
			.contains("token budget of 5000 spent (5000 used)");
		assertThat(JobOutcome.budgetSpent(5000L, null, new Usage(4000, 1230, 4)))
			.contains("token budget of 5000 spent (5230 used)");
	}

	@Test
	void aCostBudgetIsSpentOnceTheDollarsReachIt() {
		BigDecimal budget = new BigDecimal("0.50");
		assertThat(JobOutcome.budgetSpent(null, budget, usd("0.4999"))).isEmpty();
		assertThat(JobOutcome.budgetSpent(null, budget, usd("0.5"))).contains("cost budget of $0.5 spent ($0.5 used)");
		assertThat(JobOutcome.budgetSpent(null, budget, usd("0.5123")))
			.contains("cost budget of $0.5 spent ($0.5123 used)");
		assertThat(JobOutcome.budgetSpent(1_000_000L, budget, usd("0.6"))).get().asString().startsWith("cost");
		assertThat(JobOutcome.budgetSpent(null, null, usd("1000"))).as("no budget").isEmpty();
	}

	@Test
	void aSpentBudgetKeepsWhatSucceeded() {
		assertThat(JobOutcome.budgetSpent(3, "why").status()).isEqualTo(JobStatus.PARTIAL);
		assertThat(JobOutcome.budgetSpent(0, "why").status()).isEqualTo(JobStatus.FAILED);
		assertThat(JobOutcome.budgetSpent(0, "why").reason()).isEqualTo("why");
	}

	@Test
	void aSuccessRatioNeedsTheCeilingOfItsShareOfTheTotal() {
		assertThat(JobOutcome.requiredSuccesses(new BigDecimal("0.8"), 10)).isEqualTo(8);
		assertThat(JobOutcome.requiredSuccesses(new BigDecimal("0.8"), 11)).isEqualTo(9);
		assertThat(JobOutcome.requiredSuccesses(new BigDecimal("0.5"), 3)).isEqualTo(2);
		assertThat(JobOutcome.requiredSuccesses(BigDecimal.ONE, 7)).isEqualTo(7);
	}

	@Test
	void reachingTheSuccessRatioWithTasksRunningIsAnEarlyPartial() {
		BigDecimal ratio = new BigDecimal("0.80");
		assertThat(JobOutcome.successRatio(ratio, 10, 7, 0)).isEmpty();
		assertThat(JobOutcome.successRatio(ratio, 10, 7, 2)).isEmpty();
		assertThat(JobOutcome.successRatio(ratio, 10, 8, 0)).contains(
				new JobOutcome(JobStatus.PARTIAL, "success ratio 0.8 reached (8 of 10 succeeded)", true));
	}

	@Test
	void missingTheSuccessRatioAtTheEndFailsAndMeetingItEndsAsUsual() {
		BigDecimal ratio = new BigDecimal("0.8");
		assertThat(JobOutcome.successRatio(ratio, 10, 6, 4)).contains(
				new JobOutcome(JobStatus.FAILED, "success ratio 0.8 not reached (6 of 10 succeeded)"));
		assertThat(JobOutcome.successRatio(ratio, 10, 10, 0)).contains(new JobOutcome(JobStatus.SUCCEEDED, null));
		assertThat(JobOutcome.successRatio(ratio, 10, 9, 1))
			.contains(new JobOutcome(JobStatus.PARTIAL, "1 of 10 tasks failed"));
	}

	@Test
	void anOpenPlanOrAMissingAcceptanceNeverEndsAJobOnItsCount() {
		JobTally open = new JobTally(JobId.random(), TenantId.of("acme"), 2, 2, 0, Usage.NONE, ReduceStrategy.COLLECT,
				null, null, false, true, true, null, new BigDecimal("0.5"));
		JobTally notAccepted = new JobTally(JobId.random(), TenantId.of("acme"), 2, 2, 0, Usage.NONE,
				ReduceStrategy.COLLECT, null, null, false, false, false, null, null);
		JobTally closedPlan = new JobTally(JobId.random(), TenantId.of("acme"), 2, 2, 0, Usage.NONE,
				ReduceStrategy.COLLECT, null, null, false, true, false, null, null);

		assertThat(open.allFinished()).isFalse();
		assertThat(open.outcomeOnCount()).isEmpty();
		assertThat(notAccepted.outcomeOnCount()).isEmpty();
		assertThat(closedPlan.outcomeOnCount()).contains(new JobOutcome(JobStatus.SUCCEEDED, null));
	}

	@Test
	void aFailedPlanFailsEarlyWithItsReason() {
		assertThat(JobOutcome.planFailed("plan is not JSON"))
			.isEqualTo(new JobOutcome(JobStatus.FAILED, "plan is not JSON", true));
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
				ReduceStrategy.COLLECT, null, null, false);
	}

	private static Usage usd(String cost) {
		return new Usage(100, 100, 1, 0, new BigDecimal(cost));
	}
}
