package io.colony.aggregator.result;

import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;

import java.time.Instant;
import java.util.Optional;

/** A task's final result as stored: a success, or a failure that will not be retried. */
record FinalResult(JobId jobId, TaskId taskId, TenantId tenant, String inputId, boolean succeeded, String output,
		String error, int attempt, AgentId agentId, Usage usage, Instant completedAt) {

	/**
	 * The result to store for {@code result}; empty for a failed attempt the orchestrator will retry and for
	 * result types this build does not know.
	 */
	static Optional<FinalResult> of(TaskResult result) {
		return switch (result) {
			case TaskCompleted done -> Optional.of(new FinalResult(done.jobId(), done.taskId(), done.tenant(),
					done.inputId(), true, done.output(), null, done.attempt(), done.agentId(),
					done.usage() == null ? Usage.NONE : done.usage(), done.completedAt()));
			case TaskFailed failed when failed.isFinal() -> Optional.of(new FinalResult(failed.jobId(),
					failed.taskId(), failed.tenant(), failed.inputId(), false, null,
					failed.reason() == null ? "failed" : failed.reason(), failed.attempt(), failed.agentId(),
					Usage.NONE, failed.failedAt()));
			default -> Optional.empty();
		};
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
