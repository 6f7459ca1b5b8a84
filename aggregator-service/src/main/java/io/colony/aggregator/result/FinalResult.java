package io.colony.aggregator.result;

import io.colony.aggregator.job.TallyDelta;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentStep;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A task's final result as stored: a success, or a failure that will not be retried. */
record FinalResult(JobId jobId, TaskId taskId, TenantId tenant, String inputId, boolean succeeded, String output,
		String error, int attempt, AgentId agentId, Usage usage, Instant completedAt, List<AgentStep> steps) {

	/**
	 * The result to store for {@code result}; empty for a failed attempt the orchestrator will retry and for
	 * result types this build does not know.
	 */
	static Optional<FinalResult> of(TaskResult result) {
		return switch (result) {
			case TaskCompleted done -> Optional.of(new FinalResult(done.jobId(), done.taskId(), done.tenant(),
					done.inputId(), true, done.output(), null, done.attempt(), done.agentId(),
					done.usage() == null ? Usage.NONE : done.usage(), done.completedAt(), done.steps()));
			case TaskFailed failed when failed.isFinal() -> Optional.of(new FinalResult(failed.jobId(),
					failed.taskId(), failed.tenant(), failed.inputId(), false, null,
					failed.reason() == null ? "failed" : failed.reason(), failed.attempt(), failed.agentId(),
					failed.usage(), failed.failedAt(), failed.steps()));
			default -> Optional.empty();
		};
	}

	/**
	 * What the attempt consumed, to be added to its job's and its tenant's usage: every attempt counts, whether
	 * it is final, retried or superseded, since its tokens were spent either way. Empty when it consumed
	 * nothing (or is of a type this build does not know).
	 */
	static Optional<TallyDelta> spendOf(TaskResult result) {
		TallyDelta spent = switch (result) {
			case TaskCompleted done -> TallyDelta.spent(done.jobId(), done.tenant(), done.usage());
			case TaskFailed failed -> TallyDelta.spent(failed.jobId(), failed.tenant(), failed.usage());
			default -> null;
		};
		return spent == null || isNothing(spent.usage()) ? Optional.empty() : Optional.of(spent);
	}

	private static boolean isNothing(Usage usage) {
		return usage.promptTokens() == 0 && usage.completionTokens() == 0 && usage.llmCalls() == 0
				&& usage.toolCalls() == 0 && usage.costUsd().signum() == 0;
	}

	/** Why {@code result} can never be recorded, or {@code null} when it can. */
	static String invalid(TaskResult result) {
		return switch (result) {
			case TaskCompleted done -> missing(done.jobId(), done.taskId(), done.tenant(), done.inputId());
			case TaskFailed failed -> missing(failed.jobId(), failed.taskId(), failed.tenant(), failed.inputId());
			default -> null;
		};
	}

	private static String missing(JobId jobId, TaskId taskId, TenantId tenant, String inputId) {
		if (jobId == null) {
			return "has no jobId";
		}
		if (taskId == null) {
			return "has no taskId";
		}
		if (tenant == null) {
			return "has no tenant";
		}
		if (inputId == null) {
			return "has no inputId";
		}
		return null;
	}
}
