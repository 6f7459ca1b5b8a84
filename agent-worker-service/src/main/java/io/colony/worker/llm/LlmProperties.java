package io.colony.worker.llm;

import io.colony.worker.llm.anthropic.AnthropicSettings;
import io.colony.worker.llm.openai.OpenAiCompatibleSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.Locale;

/**
 * Which LLM providers the worker can ask, and how.
 *
 * @param provider the provider of catalog models that name {@code default}: {@code simulated} (default: no
 * network, no key), {@code openai} (any OpenAI-compatible endpoint) or {@code anthropic}
 * @param timeout the longest one LLM call may take before the step fails as retryable
 * @param simulated settings of the built-in simulated model
 * @param openai the OpenAI-compatible endpoint; always configured (local servers need no key)
 * @param anthropic the Anthropic endpoint; configured only when it has an API key
 * @param cache the response cache for deterministic calls
 */
@ConfigurationProperties("colony.worker.llm")
public record LlmProperties(Provider provider, Duration timeout, Simulated simulated, OpenAiCompatibleSettings openai,
		AnthropicSettings anthropic, Cache cache) {

	public enum Provider {

		SIMULATED, OPENAI, ANTHROPIC;

		/** As catalog models name it. */
		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	public LlmProperties {
		provider = provider == null ? Provider.SIMULATED : provider;
		timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
		simulated = simulated == null ? new Simulated(null) : simulated;
		openai = openai == null ? new OpenAiCompatibleSettings(null, null, null, null, null, null) : openai;
		anthropic = anthropic == null ? new AnthropicSettings(null, null, null, null, null, null, null) : anthropic;
		cache = cache == null ? new Cache(null, null) : cache;
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.llm.timeout must be positive");
		}
		if (provider == Provider.ANTHROPIC && anthropic.apiKey() == null) {
			throw new IllegalArgumentException(
					"colony.worker.llm.provider=anthropic needs colony.worker.llm.anthropic.api-key (or COLONY_WORKER_LLM_ANTHROPIC_API_KEY)");
		}
	}

	/** @param latency how long every answer takes; waited on a timer, not a thread */
	public record Simulated(Duration latency) {

		public Simulated {
			latency = latency == null ? Duration.ofMillis(200) : latency;
			if (latency.isNegative()) {
				throw new IllegalArgumentException("colony.worker.llm.simulated.latency must not be negative");
			}
		}
	}

	/**
	 * @param maxEntries answers kept; 0 turns the cache off
	 * @param ttl how long an answer is reused
	 */
	public record Cache(Integer maxEntries, Duration ttl) {

		public Cache {
			maxEntries = maxEntries == null ? 10_000 : maxEntries;
			ttl = ttl == null ? Duration.ofMinutes(10) : ttl;
			if (maxEntries < 0) {
				throw new IllegalArgumentException("colony.worker.llm.cache.max-entries must not be negative");
			}
		}
	}
}
