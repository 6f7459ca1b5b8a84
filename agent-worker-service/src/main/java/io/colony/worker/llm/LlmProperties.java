package io.colony.worker.llm;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Which LLM the worker asks, and how.
 *
 * @param provider the provider of catalog models that name {@code default}: {@code simulated} (default: no
 * network, no key), {@code openai} (any OpenAI-compatible endpoint) or {@code anthropic}
 * @param timeout the longest one LLM call may take before the attempt fails as retryable
 * @param simulated settings of the built-in simulated model
 * @param openai settings of the OpenAI-compatible provider
 * @param anthropic settings of the Anthropic provider; configured only when it has an API key
 * @param cache the response cache for deterministic calls
 */
@ConfigurationProperties("colony.worker.llm")
public record LlmProperties(Provider provider, Duration timeout, Simulated simulated, OpenAi openai,
		Anthropic anthropic, Cache cache) {

	public enum Provider {

		SIMULATED, OPENAI, ANTHROPIC;

		/** As catalog models name it. */
		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	public LlmProperties {
		provider = provider == null ? Provider.SIMULATED : provider;
		timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
		simulated = simulated == null ? new Simulated(null) : simulated;
		openai = openai == null ? new OpenAi(null, null, null, null, null) : openai;
		anthropic = anthropic == null ? new Anthropic(null, null, null, null) : anthropic;
		cache = cache == null ? new Cache(null, null) : cache;
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.llm.timeout must be positive");
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
	 * @param baseUrl the API root including its version path, e.g. {@code https://api.openai.com/v1} or
	 * {@code http://localhost:11434/v1}; requests go to {@code <baseUrl>/chat/completions}
	 * @param apiKey sent as bearer token; blank for local servers that need none
	 * @param model the default model; an agent type's own model wins
	 * @param maxConcurrency how many calls are open at once; further tasks wait (without a thread) for a slot
	 * @param maxRetries retries inside the HTTP client; 0 by default because the mesh retries failed attempts
	 * itself, with backoff, possibly on another worker
	 */
	public record OpenAi(String baseUrl, String apiKey, String model, Integer maxConcurrency, Integer maxRetries) {

		public OpenAi {
			baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.openai.com/v1" : baseUrl;
			apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
			model = model == null || model.isBlank() ? "gpt-4o-mini" : model;
			maxConcurrency = maxConcurrency == null ? 256 : maxConcurrency;
			maxRetries = maxRetries == null ? 0 : maxRetries;
			if (maxConcurrency < 1) {
				throw new IllegalArgumentException("colony.worker.llm.openai.max-concurrency must be at least 1");
			}
			if (maxRetries < 0) {
				throw new IllegalArgumentException("colony.worker.llm.openai.max-retries must not be negative");
			}
		}

		/** Never prints the key. */
		@Override
		public String toString() {
			return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***") + ", model=" + model
					+ ", maxConcurrency=" + maxConcurrency + ", maxRetries=" + maxRetries + "]";
		}
	}

	/**
	 * @param baseUrl the API root without version path; requests go to {@code <baseUrl>/v1/messages}
	 * @param apiKey sent as {@code x-api-key}; without one the provider is not configured
	 * @param model the default model; a catalog model's own id wins
	 * @param maxTokens {@code max_tokens} when the catalog model sets none (Anthropic requires one)
	 */
	public record Anthropic(String baseUrl, String apiKey, String model, Integer maxTokens) {

		public Anthropic {
			baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.anthropic.com" : baseUrl;
			apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
			model = model == null || model.isBlank() ? "claude-3-5-haiku-latest" : model;
			maxTokens = maxTokens == null ? 1024 : maxTokens;
			if (maxTokens < 1) {
				throw new IllegalArgumentException("colony.worker.llm.anthropic.max-tokens must be at least 1");
			}
		}

		public boolean configured() {
			return apiKey != null;
		}

		/** Never prints the key. */
		@Override
		public String toString() {
			return "Anthropic[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***") + ", model=" + model
					+ ", maxTokens=" + maxTokens + "]";
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
