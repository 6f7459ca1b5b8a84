package io.colony.orchestrator.job;

import io.colony.contracts.Destinations;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskBudget;
import io.colony.contracts.TaskId;
import io.colony.platform.outbox.OutboxMessage;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** How a {@link TaskAssigned} goes out: to its capability's queue, with the job's priority and tenant. */
public final class TaskAssignments {

	private TaskAssignments() {
	}

	/**
	 * @param availableAt not published before then ({@code null}: as soon as the transaction commits)
	 */
	public static OutboxMessage outboxMessage(TaskAssigned task, Instant availableAt) {
		return new OutboxMessage(Destinations.TASKS, Destinations.taskRoutingKey(task.capability(), task.priority()), task,
				messageId(task.taskId(), task.attempt()), task.tenant(), task.priority().amqpPriority(), availableAt);
	}

	/**
	 * What each task of a job may spend: the job's whole budget, since no task may ever spend more than that
	 * (the aggregator ends the job once all its tasks together have). {@code null} when the job has none.
	 */
	public static TaskBudget budget(Long maxTokens, BigDecimal maxCostUsd) {
		return maxTokens == null && maxCostUsd == null ? null : new TaskBudget(maxTokens, maxCostUsd);
	}

	/**
	 * Deterministic per task attempt: every attempt is a new message for consumers' inboxes, while a
	 * re-publication of the same attempt keeps its id.
	 */
	public static UUID messageId(TaskId taskId, int attempt) {
		return UUID.nameUUIDFromBytes((taskId + ":" + attempt + ":assigned").getBytes(StandardCharsets.UTF_8));
	}
}
