package io.colony.worker.llm;

import io.colony.worker.agent.CallGuard;
import io.colony.worker.agent.Models;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.llm.anthropic.AnthropicChatModel;
import io.colony.worker.llm.openai.OpenAiCompatibleChatModel;
import io.colony.worker.llm.pressure.AdaptiveConcurrency;
import io.colony.worker.llm.pressure.CircuitBreaker;
import io.colony.worker.llm.pressure.FleetRateLimiter;
import io.colony.worker.llm.pressure.ProviderGuard;
import io.colony.worker.llm.pressure.ProviderLimitsProperties;
import io.colony.worker.llm.pressure.ProviderUnavailable;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

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

	@Bean
	CircuitBreaker providerBreaker(ProviderLimitsProperties limits, ObjectProvider<MeterRegistry> meters) {
		return new CircuitBreaker(limits, meters.getIfAvailable());
	}

	@Bean
	AdaptiveConcurrency providerConcurrency(ProviderLimitsProperties limits, ObjectProvider<MeterRegistry> meters) {
		return new AdaptiveConcurrency(limits, meters.getIfAvailable());
	}

	@Bean
	FleetRateLimiter fleetRateLimiter(ReactiveStringRedisTemplate redis, ProviderLimitsProperties limits,
			ObjectProvider<MeterRegistry> meters) {
		return new FleetRateLimiter(redis, limits, meters.getIfAvailable());
	}

	@Bean
	ProviderGuard providerGuard(CircuitBreaker breaker, FleetRateLimiter rateLimiter, AdaptiveConcurrency concurrency) {
		return new ProviderGuard(breaker, rateLimiter, concurrency);
	}

	/**
	 * Remote providers go through their guard (fleet rate limits, adaptive concurrency, breaker); the simulated
	 * one needs none. A call refused because the provider's breaker is open waits on a timer until the breaker
	 * lets a probe through and asks again, so an outage costs the task time (bounded by its loop's time
	 * limit), not attempts.
	 */
	@Bean
	CallGuard callGuard(ProviderGuard guard) {
		return new CallGuard() {
			@Override
			public <T> Mono<T> call(String provider, long estimatedTokens, Supplier<Mono<T>> call,
					ToLongFunction<T> actualTokens) {
				if (LlmProperties.Provider.SIMULATED.id().equals(provider)) {
					return Mono.defer(call);
				}
				return Mono.defer(() -> guard.call(provider, estimatedTokens, call, actualTokens))
					.retryWhen(Retry.indefinitely()
						.filter(ProviderUnavailable.class::isInstance)
						.doBeforeRetryAsync(signal -> Mono.delay(untilProbe((ProviderUnavailable) signal.failure())).then()));
			}
		};
	}

	private static Duration untilProbe(ProviderUnavailable unavailable) {
		Duration wait = Duration.between(Instant.now(), unavailable.until());
		return wait.isNegative() ? Duration.ofMillis(10) : wait.plusMillis(10);
	}
}
