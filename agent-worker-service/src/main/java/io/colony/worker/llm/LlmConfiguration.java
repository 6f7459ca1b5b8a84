package io.colony.worker.llm;

import io.colony.worker.agent.CallGuard;
import io.colony.worker.agent.Models;
import io.colony.worker.catalog.AgentCatalog;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The LLM providers this process can call, bound to the catalog's models. The simulated and OpenAI-compatible
 * providers are always available (a local OpenAI-compatible server needs no key); Anthropic only with a key.
 * Spring AI's model auto-configuration is not on the class path, so nothing here needs a key to start.
 */
@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

	private static final Logger log = LoggerFactory.getLogger(LlmConfiguration.class);

	/** Stands in for a key when a local OpenAI-compatible server needs none; the client insists on one. */
	static final String NO_KEY = "no-key";

	@Bean
	Models models(AgentCatalog catalog, LlmProperties properties, ObjectProvider<ObservationRegistry> observations) {
		Map<String, Models.Provider> providers = new LinkedHashMap<>();
		providers.put(LlmProperties.Provider.SIMULATED.id(),
				new Models.Provider(new SimulatedChatModel(properties.simulated().latency()), SimulatedChatModel.MODEL));
		providers.put(LlmProperties.Provider.OPENAI.id(), new Models.Provider(
				openAi(properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP)), properties.openai().model()));
		log.info("LLM providers: simulated (latency {}), openai {}; catalog models named 'default' use {}",
				properties.simulated().latency(), properties.openai(), properties.provider().id());
		return new Models(catalog, providers, properties.provider().id());
	}

	/** Bounds the calls open at once per provider; the simulated provider is unbounded. */
	@Bean
	CallGuard callGuard(LlmProperties properties) {
		Map<String, ConcurrencyLimit> limits = new ConcurrentHashMap<>();
		return new CallGuard() {
			@Override
			public <T> Mono<T> call(String provider, long estimatedTokens, Supplier<Mono<T>> call,
					ToLongFunction<T> actualTokens) {
				if (LlmProperties.Provider.SIMULATED.id().equals(provider)) {
					return Mono.defer(call);
				}
				return limits.computeIfAbsent(provider, p -> new ConcurrencyLimit(properties.openai().maxConcurrency()))
					.run(Mono.defer(call));
			}
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
