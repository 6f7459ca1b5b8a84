package io.colony.worker.cancellation;

import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.InitializingBean;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears {@code job.cancelled} on a private queue of this process: every worker must hear every
 * cancellation, so the queue is not shared.
 */
final class JobCancellations implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(JobCancellations.class);

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final CancelledJobs cancelledJobs;

	JobCancellations(ColonyConsumers consumers, Declarables queue, CancelledJobs cancelledJobs) {
		this.consumers = consumers;
		this.queue = queue;
		this.cancelledJobs = cancelledJobs;
	}

	@Override
	public void afterPropertiesSet() {
		consumers.consumePrivate(queue, JobEvent.class, this::recordCancellation);
	}

	/** Idempotent: cancelling a job twice changes nothing. Other job events are not bound to this queue. */
	private CompletionStage<?> recordCancellation(Inbound<JobEvent> inbound) {
		if (inbound.payload() instanceof JobCancelled cancelled && cancelled.jobId() != null) {
			log.info("job {} cancelled: its tasks are dropped", cancelled.jobId());
			cancelledJobs.cancel(cancelled.jobId());
		}
		return CompletableFuture.completedFuture(null);
	}
}
