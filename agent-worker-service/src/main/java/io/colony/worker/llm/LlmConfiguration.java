package io.colony.worker.llm;

import io.colony.worker.agent.CallGuard;
import io.colony.worker.agent.Models;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.llm.anthropic.AnthropicChatModel;
import io.colony.worker.llm.openai.OpenAiCompatibleChatModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The LLM providers this process can call, bound to the catalog's models. The simulated and OpenAI-compatible
 * providers are always available (a local OpenAI-compatible server needs no key); Anthropic only with a key.
 * Both remote providers are Spring AI {@code ChatModel}s on WebClient, so a waiting call holds no thread.
 */
@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

	private static final Logger log = LoggerFactory.getLogger(LlmConfiguration.class);

	@Bean
	OpenAiCompatibleChatModel openAiChatModel(LlmProperties properties, ObjectProvider<WebClient.Builder> webClients) {
		return new OpenAiCompatibleChatModel(properties.openai(), webClients.getIfAvailable(WebClient::builder));
	}

	@Bean
	AnthropicChatModel anthropicChatModel(LlmProperties properties, ObjectProvider<WebClient.Builder> webClients) {
		return new AnthropicChatModel(properties.anthropic(), webClients.getIfAvailable(WebClient::builder));
	}

	@Bean
	Models models(AgentCatalog catalog, LlmProperties properties, OpenAiCompatibleChatModel openai,
			AnthropicChatModel anthropic) {
		Map<String, Models.Provider> providers = new LinkedHashMap<>();
		providers.put(LlmProperties.Provider.SIMULATED.id(),
				new Models.Provider(new SimulatedChatModel(properties.simulated().latency()), SimulatedChatModel.MODEL));
		providers.put(LlmProperties.Provider.OPENAI.id(), new Models.Provider(openai, properties.openai().model()));
		if (properties.anthropic().apiKey() != null) {
			providers.put(LlmProperties.Provider.ANTHROPIC.id(),
					new Models.Provider(anthropic, properties.anthropic().model()));
		}
		log.info("LLM providers: simulated (latency {}), openai {}, anthropic {}; catalog models named 'default' use {}",
				properties.simulated().latency(), properties.openai(),
				providers.containsKey("anthropic") ? properties.anthropic() : "not configured (no api-key)",
				properties.provider().id());
		return new Models(catalog, providers, properties.provider().id());
	}

	/** Until fleet back-pressure is configured, calls go straight through; providers bound connections. */
	@Bean
	CallGuard callGuard() {
		return CallGuard.NONE;
	}
}
