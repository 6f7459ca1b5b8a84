package io.colony.worker.cancellation;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
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

	/**
	 * Named like Spring's {@code AnonymousQueue}, but built as a plain classic queue: {@code AnonymousQueue}
	 * adds {@code x-queue-leader-locator}, which brokers reject for classic queues.
	 */
	@Bean
	Queue workerCancellationQueue() {
		return QueueBuilder.nonDurable(new Base64UrlNamingStrategy("agent-worker.cancellations.").generateName())
			.exclusive()
			.autoDelete()
			.build();
	}

	@Bean
	Binding workerCancellationBinding(Queue workerCancellationQueue) {
		return BindingBuilder.bind(workerCancellationQueue)
			.to(new TopicExchange(Destinations.EVENTS))
			.with(Destinations.JOB_CANCELLED);
	}

	@Bean
	JobCancellations jobCancellations(AmqpAdmin admin, ColonyConsumers consumers,
			Queue workerCancellationQueue, Binding workerCancellationBinding, CancelledJobs cancelledJobs) {
		return new JobCancellations(admin, consumers, workerCancellationQueue, workerCancellationBinding,
				cancelledJobs);
	}
}
