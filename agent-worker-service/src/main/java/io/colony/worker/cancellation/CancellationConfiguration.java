package io.colony.worker.cancellation;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The private cancellation queue is non-durable, exclusive and auto-deleted: it lives as long as this
 * process's connection. It and its binding are beans so that the admin re-declares them whenever the
 * connection is re-established.
 */
@Configuration(proxyBeanMethods = false)
class CancellationConfiguration {

	@Bean
	CancelledJobs cancelledJobs(CancellationProperties properties) {
		return new CancelledJobs(properties.maxEntries(), properties.retention(), Clock.systemUTC());
	}

	@Bean
	Declarables workerCancellationQueue() {
		return ColonyTopology.privateQueue("agent-worker.cancellations.",
				new ColonyTopology.Route(Destinations.EVENTS, Destinations.JOB_CANCELLED));
	}

	@Bean
	JobCancellations jobCancellations(ColonyConsumers consumers, Declarables workerCancellationQueue,
			CancelledJobs cancelledJobs) {
		return new JobCancellations(consumers, workerCancellationQueue, cancelledJobs);
	}
}
