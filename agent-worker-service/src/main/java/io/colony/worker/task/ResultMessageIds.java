package io.colony.worker.task;

import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.UnknownTaskResult;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Message ids of results, derived from what they report ({@code <taskId>:<attempt>:<completed|failed>}), so
 * that a task re-run after a crash or a redelivery publishes the same id and consumers drop the copy.
 */
final class ResultMessageIds {

	private ResultMessageIds() {
	}

	static UUID of(TaskResult result) {
		return switch (result) {
			case TaskCompleted completed -> of(completed.taskId(), completed.attempt(), "completed");
			case TaskFailed failed -> of(failed.taskId(), failed.attempt(), "failed");
			case UnknownTaskResult unknown -> throw new IllegalArgumentException("a worker never publishes " + unknown);
		};
	}

	static UUID of(TaskId taskId, int attempt, String outcome) {
		return UUID.nameUUIDFromBytes((taskId + ":" + attempt + ":" + outcome).getBytes(StandardCharsets.UTF_8));
	}
}
