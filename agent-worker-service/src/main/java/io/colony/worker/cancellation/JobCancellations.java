package io.colony.worker.cancellation;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.InitializingBean;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears {@code job.cancelled} on a private queue of this process: every worker must hear every
 * cancellation, so the queue is not shared.
 */
final class JobCancellations implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(JobCancellations.class);

	private final AmqpAdmin admin;

	private final ColonyConsumers consumers;

	private final Queue queue;

	private final Binding binding;

	private final CancelledJobs cancelledJobs;

	JobCancellations(AmqpAdmin admin, ColonyConsumers consumers, Queue queue, Binding binding,
			CancelledJobs cancelledJobs) {
		this.admin = admin;
		this.consumers = consumers;
		this.queue = queue;
		this.binding = binding;
		this.cancelledJobs = cancelledJobs;
	}

	/** Declared now rather than on the admin's first connection, because the consumer needs it at once. */
	@Override
	public void afterPropertiesSet() {
		admin.declareExchange(new TopicExchange(Destinations.EVENTS, true, false));
		admin.declareQueue(queue);
		admin.declareBinding(binding);
		consumers.consumeExclusive(queue.getName(), JobEvent.class, this::recordCancellation);
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
