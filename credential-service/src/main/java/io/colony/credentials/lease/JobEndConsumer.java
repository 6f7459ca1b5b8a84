package io.colony.credentials.lease;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Leases end with their job: on {@code job.completed} and {@code job.cancelled} every active lease granted to a task
 * of that job is revoked by {@code system} ({@link Leases#endWithJob}), so a credential never outlives the work it
 * was granted for. Redelivery is harmless (a job's leases end once); when the database or the audit log cannot be
 * written the message is redelivered, and dead-lettered after the delivery limit.
 */
@Component
class JobEndConsumer implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(JobEndConsumer.class);

	private final ColonyConsumers consumers;

	private final Leases leases;

	JobEndConsumer(ColonyConsumers consumers, Leases leases) {
		this.consumers = consumers;
		this.leases = leases;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consume(ColonyTopology.serviceQueue(Destinations.CREDENTIALS_JOB_EVENTS_QUEUE), JobEvent.class, 50, 1,
				this::endLeasesOfEndedJob);
	}

	CompletionStage<Void> endLeasesOfEndedJob(Inbound<JobEvent> inbound) {
		switch (inbound.payload()) {
			case JobCompleted completed -> leases.endWithJob(completed.jobId(), "job ended " + completed.status());
			case JobCancelled cancelled -> leases.endWithJob(cancelled.jobId(), "job cancelled");
			default -> log.debug("ignoring {}: only a job's end ends its leases", inbound.payload());
		}
		return CompletableFuture.completedFuture(null);
	}
}
