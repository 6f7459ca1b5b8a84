package io.colony.residents.model;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param provider {@code simulated} (answers after {@code latency}, deterministic text) or {@code openai} (any
 * OpenAI-compatible {@code /chat/completions} endpoint at {@code base-url})
 * @param latency the simulated model's answer time
 * @param timeout how long an {@code openai} call may take
 */
@ConfigurationProperties("colony.residents.llm")
record ModelProperties(String provider, Duration latency, String baseUrl, String apiKey, String model,
		Duration timeout) {

	ModelProperties {
		provider = provider == null ? "simulated" : provider;
		latency = latency == null ? Duration.ofMillis(200) : latency;
		baseUrl = baseUrl == null ? "https://api.openai.com/v1" : baseUrl;
		model = model == null ? "gpt-4o-mini" : model;
		timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
	}
}
