package io.colony.worker.tool.spawn;

import io.colony.platform.messaging.CommandClient;
import io.colony.worker.completion.CompletionListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;

/**
 * The {@code spawn_subtasks} tool; it hears child jobs finish through {@link CompletionListener}.
 */
@Configuration(proxyBeanMethods = false)
class SpawnConfiguration {

	@Bean
	ChildJobs childJobs() {
		return new ChildJobs();
	}

	/** Wakes a parent waiting for the child job that completed; others are ignored. */
	@Bean
	CompletionListener childJobCompletions(ChildJobs children) {
		return children::completed;
	}

	@Bean
	SpawnSubtasksTool spawnSubtasksTool(ObjectProvider<CommandClient> commands, ChildJobs children, SpawnProperties properties) {
		return new SpawnSubtasksTool(commands::getObject, children, WebClient.builder().baseUrl(properties.aggregatorUrl().toString()).build(),
				properties, JsonMapper.builder().build(), Clock.systemUTC());
	}
}
