package io.colony.aggregator.job;

import io.colony.contracts.JobStatus;
import io.colony.contracts.Usage;
import io.colony.platform.pricing.Usd;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * The final status of a job and, when it did not fully succeed, why. Pure rules, no I/O.
 *
 * @param reason {@code null} when every task succeeded
 * @param endedEarly whether the job ended before all its tasks finished (cancellation, deadline, budget, success
 * ratio, a failed plan); its {@code JobCompleted} then carries the reason as its own
 */
record JobOutcome(JobStatus status, String reason, boolean endedEarly) {

	JobOutcome(JobStatus status, String reason) {
		this(status, reason, false);
	}

	/** Every task has a final result: all succeeded, none succeeded, or something in between. */
	static JobOutcome allFinished(int total, int succeeded, int failed) {
		if (failed == 0) {
			return new JobOutcome(JobStatus.SUCCEEDED, null);
		}
		if (succeeded == 0) {
			return new JobOutcome(JobStatus.FAILED, "all " + failed + " tasks failed");
		}
		return new JobOutcome(JobStatus.PARTIAL, failed + " of " + total + " tasks failed");
	}

	/** The deadline passed first: keep what succeeded, if anything did. */
	static JobOutcome deadlineReached(int total, int succeeded, int failed) {
		int missing = Math.max(0, total - succeeded - failed);
		StringBuilder reason = new StringBuilder("deadline reached with ").append(missing)
			.append(" of ")
			.append(total)
			.append(" tasks missing");
		if (failed > 0) {
			reason.append(" and ").append(failed).append(" failed");
		}
		return new JobOutcome(succeeded > 0 ? JobStatus.PARTIAL : JobStatus.FAILED, reason.toString(), true);
	}

	static JobOutcome cancelled(String why) {
		return new JobOutcome(JobStatus.CANCELLED,
				why == null || why.isBlank() ? "cancelled" : "cancelled: " + why, true);
	}

	/**
	 * A job with a success ratio ends once {@code ceil(ratio × total)} tasks succeeded, {@code PARTIAL} if tasks are
	 * still running; once every task finished below it, {@code FAILED}; otherwise (every task finished at or above
	 * it) as {@link #allFinished}. Empty while neither.
	 */
	static Optional<JobOutcome> successRatio(BigDecimal ratio, int total, int succeeded, int failed) {
		int required = requiredSuccesses(ratio, total);
		String ratioText = ratio.stripTrailingZeros().toPlainString();
		boolean finished = succeeded + failed >= total;
		if (finished && succeeded < required) {
			return Optional.of(new JobOutcome(JobStatus.FAILED, "success ratio " + ratioText + " not reached ("
					+ succeeded + " of " + total + " succeeded)"));
		}
		if (finished) {
			return Optional.of(allFinished(total, succeeded, failed));
		}
		if (succeeded >= required) {
			return Optional.of(new JobOutcome(JobStatus.PARTIAL, "success ratio " + ratioText + " reached ("
					+ succeeded + " of " + total + " succeeded)", true));
		}
		return Optional.empty();
	}

	/** {@code ceil(ratio × total)}. */
	static int requiredSuccesses(BigDecimal ratio, int total) {
		return ratio.multiply(BigDecimal.valueOf(total)).setScale(0, RoundingMode.CEILING).intValueExact();
	}

	/** The orchestrator found that the job cannot produce its answer any more (an invalid plan, a failed stage). */
	static JobOutcome planFailed(String failure) {
		return new JobOutcome(JobStatus.FAILED, failure, true);
	}

	/** The budget ran out first: keep what succeeded, if anything did; {@code why} from {@link #budgetSpent}. */
	static JobOutcome budgetSpent(int succeeded, String why) {
		return new JobOutcome(succeeded > 0 ? JobStatus.PARTIAL : JobStatus.FAILED, why, true);
	}

	/**
	 * Which budget {@code usage} has reached (tokens first), with what was used, e.g.
	 * {@code token budget of 5000 spent (5230 used)}; empty while within both. A {@code null} budget is none.
	 */
	static Optional<String> budgetSpent(Long maxTokens, BigDecimal maxCostUsd, Usage usage) {
		if (maxTokens != null && usage.totalTokens() >= maxTokens) {
			return Optional.of("token budget of " + maxTokens + " spent (" + usage.totalTokens() + " used)");
		}
		if (maxCostUsd != null && usage.costUsd().compareTo(maxCostUsd) >= 0) {
			return Optional.of("cost budget of " + Usd.format(maxCostUsd) + " spent (" + Usd.format(usage.costUsd())
					+ " used)");
		}
		return Optional.empty();
	}
}
