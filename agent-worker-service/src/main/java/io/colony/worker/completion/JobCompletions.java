package io.colony.worker.completion;

import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.InitializingBean;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Hears every {@code job.completed} on a private queue of this process and tells the features that care:
 * parents waiting in {@code spawn_subtasks} for a child job, and the jobs' shared memory, which is dropped once
 * its job has ended. A listener that fails is logged; the others still hear the event.
 */
public final class JobCompletions implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(JobCompletions.class);

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final List<Consumer<JobCompleted>> listeners;

	JobCompletions(ColonyConsumers consumers, Declarables queue, List<Consumer<JobCompleted>> listeners) {
		this.consumers = consumers;
		this.queue = queue;
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void afterPropertiesSet() {
		consumers.consumePrivate(queue, JobEvent.class, this::recordCompletion);
	}

	private CompletionStage<?> recordCompletion(Inbound<JobEvent> inbound) {
		if (inbound.payload() instanceof JobCompleted completed && completed.jobId() != null) {
			for (Consumer<JobCompleted> listener : listeners) {
				try {
					listener.accept(completed);
				}
				catch (RuntimeException ex) {
					log.warn("a listener of job {}'s completion failed: {}", completed.jobId(), ex.toString());
				}
			}
		}
		return CompletableFuture.completedFuture(null);
	}
}
