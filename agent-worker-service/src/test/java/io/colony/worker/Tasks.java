package io.colony.worker;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.Outgoing;

import java.time.Instant;
import java.util.UUID;

/** Builds tasks the way the orchestrator publishes them. */
final class Tasks {

	static final TenantId TENANT = TenantId.of("acme");

	private Tasks() {
	}

	static TaskAssigned task(JobId job, String agentType, int attempt, String content) {
		return task(job, agentType, attempt, content, null);
	}

	static TaskAssigned task(JobId job, String agentType, int attempt, String content, Instant deadline) {
		return task(job, agentType, attempt, content, deadline, Priority.NORMAL);
	}

	static TaskAssigned task(JobId job, String agentType, int attempt, String content, Instant deadline,
			Priority priority) {
		TaskId taskId = TaskId.random();
		return new TaskAssigned(job, taskId, TENANT, agentType, "summarizer", attempt, 3, "Summarize.",
				new JobInput("in-" + taskId, content), priority, deadline, Instant.now());
	}

	/** To {@code task.summarizer}, or {@code task.summarizer.high} for a high-priority task, as the orchestrator does. */
	static Outgoing toSummarizers(TaskAssigned task) {
		return Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("summarizer", task.priority()), task)
			.withTenant(task.tenant())
			.withMessageId(UUID.randomUUID());
	}
}
