package io.colony.worker.llm;

import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the LLM by {@code colony.worker.llm.provider}. Spring AI's model auto-configuration is not on
 * the class path (only {@code spring-ai-model} and {@code spring-ai-openai}), so the simulated provider
 * needs no key and the OpenAI one is built here from Colony's own settings.
 */
@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

	private static final Logger log = LoggerFactory.getLogger(LlmConfiguration.class);

	/** Stands in for a key when a local OpenAI-compatible server needs none; the client insists on one. */
	static final String NO_KEY = "no-key";

	@Bean
	ChatModel colonyChatModel(LlmProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return switch (properties.provider()) {
			case SIMULATED -> {
				log.info("LLM provider: simulated, latency {}", properties.simulated().latency());
				yield new SimulatedChatModel(properties.simulated().latency());
			}
			case OPENAI -> {
				log.info("LLM provider: OpenAI-compatible {}", properties.openai());
				yield openAi(properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
			}
		};
	}

	@Bean
	AgentLlm agentLlm(ChatModel chatModel, LlmProperties properties) {
		return switch (properties.provider()) {
			case SIMULATED -> new AgentLlm(chatModel, properties.timeout(), SimulatedChatModel.MODEL, null);
			case OPENAI -> new AgentLlm(chatModel, properties.timeout(), properties.openai().model(),
					new ConcurrencyLimit(properties.openai().maxConcurrency()));
		};
	}

	/**
	 * Spring AI's OpenAI model on the official openai-java client. Its {@code stream()} uses the client's
	 * asynchronous streaming call; the HTTP client reads each open response on a pooled thread, which is
	 * why {@code max-concurrency} bounds how many calls are open at once.
	 */
	static ChatModel openAi(LlmProperties properties, ObservationRegistry observations) {
		LlmProperties.OpenAi openai = properties.openai();
		OpenAiChatOptions options = OpenAiChatOptions.builder()
			.baseUrl(openai.baseUrl())
			.apiKey(openai.apiKey() == null ? NO_KEY : openai.apiKey())
			.model(openai.model())
			.timeout(properties.timeout())
			.maxRetries(openai.maxRetries())
			.streamUsage(true)
			.build();
		return OpenAiChatModel.builder().options(options).observationRegistry(observations).build();
	}
}
