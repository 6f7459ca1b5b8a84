package io.colony.residents.model;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

	@Bean
	ResidentModel residentModel(ModelProperties properties) {
		return switch (properties.provider()) {
			case "simulated" -> new SimulatedModel(properties.latency());
			case "openai" -> new OpenAiModel(WebClient.builder(), properties);
			default -> throw new IllegalStateException(
					"colony.residents.llm.provider must be simulated or openai, was '" + properties.provider() + "'");
		};
	}
}
