package io.colony.orchestrator.job;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.platform.outbox.OutboxMessage;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** How a {@link JobCancelled} goes out, whoever decided it: one message id per job, whatever the reason. */
public final class JobCancellationMessages {

	private JobCancellationMessages() {
	}

	public static OutboxMessage outboxMessage(JobCancelled cancelled) {
		return new OutboxMessage(Destinations.EVENTS, Destinations.JOB_CANCELLED, cancelled,
				UUID.nameUUIDFromBytes((cancelled.jobId() + ":cancelled").getBytes(StandardCharsets.UTF_8)),
				cancelled.tenant(), null, null);
	}
}
