package io.colony.worker.tool.spawn;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.CommandClient;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code spawn_subtasks} tool and the private queue on which this worker hears child jobs finish.
 */
@Configuration(proxyBeanMethods = false)
class SpawnConfiguration {

	@Bean
	ChildJobs childJobs() {
		return new ChildJobs();
	}

	@Bean
	Declarables workerCompletionsQueue() {
		return ColonyTopology.privateQueue("agent-worker.completions.",
				new ColonyTopology.Route(Destinations.EVENTS, Destinations.JOB_COMPLETED));
	}

	@Bean
	InitializingBean childJobCompletions(ColonyConsumers consumers, Declarables workerCompletionsQueue,
			ChildJobs children) {
		return () -> consumers.consumePrivate(workerCompletionsQueue, JobEvent.class, inbound -> {
			if (inbound.payload() instanceof JobCompleted completed && completed.jobId() != null) {
				children.completed(completed);
			}
			return CompletableFuture.completedFuture(null);
		});
	}

	@Bean
	SpawnSubtasksTool spawnSubtasksTool(ObjectProvider<CommandClient> commands, ChildJobs children, SpawnProperties properties) {
		return new SpawnSubtasksTool(commands::getObject, children, WebClient.builder().baseUrl(properties.aggregatorUrl().toString()).build(),
				properties, JsonMapper.builder().build(), Clock.systemUTC());
	}
}
