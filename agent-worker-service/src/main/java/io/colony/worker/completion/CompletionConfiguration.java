package io.colony.worker.completion;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Consumer;

/**
 * The private completions queue is non-durable, exclusive and auto-deleted; it and its binding are a bean so
 * that the admin declares them again whenever the connection is re-established.
 */
@Configuration(proxyBeanMethods = false)
class CompletionConfiguration {

	@Bean
	Declarables workerCompletionsQueue() {
		return ColonyTopology.privateQueue("agent-worker.completions.",
				new ColonyTopology.Route(Destinations.EVENTS, Destinations.JOB_COMPLETED));
	}

	@Bean
	JobCompletions jobCompletions(ColonyConsumers consumers, Declarables workerCompletionsQueue,
			ObjectProvider<CompletionListener> listeners) {
		return new JobCompletions(consumers, workerCompletionsQueue,
				listeners.orderedStream().<Consumer<JobCompleted>>map(listener -> listener::jobCompleted).toList());
	}
}
