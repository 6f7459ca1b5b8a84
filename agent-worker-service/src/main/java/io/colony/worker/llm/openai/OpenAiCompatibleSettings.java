package io.colony.worker.llm.openai;

import io.colony.worker.llm.http.BaseUrls;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * How to reach an OpenAI-compatible Chat Completions endpoint (OpenAI, vLLM, Ollama, LM Studio, OpenRouter,
 * Azure's v1 API, the benchmarks' simulator). Bindable as {@code colony.worker.llm.openai}.
 *
 * @param baseUrl the API root including its version path, e.g. {@code https://api.openai.com/v1} or
 * {@code http://localhost:11434/v1}; requests go to {@code <baseUrl>/chat/completions}
 * @param apiKey sent as {@code Authorization: Bearer}; blank for local servers that need none
 * @param model the model when a prompt's options name none
 * @param timeout the longest one call may take, including the wait for a connection
 * @param maxResponseSize the largest answer read; a larger one fails the call
 * @param maxConnections connections open at once to the endpoint; further calls wait, without a thread
 */
public record OpenAiCompatibleSettings(String baseUrl, String apiKey, String model, Duration timeout,
		DataSize maxResponseSize, Integer maxConnections) {

	public OpenAiCompatibleSettings {
		baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.openai.com/v1" : BaseUrls.normalize(baseUrl);
		apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
		model = model == null || model.isBlank() ? "gpt-4o-mini" : model.strip();
		timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
		maxResponseSize = maxResponseSize == null ? DataSize.ofMegabytes(2) : maxResponseSize;
		maxConnections = maxConnections == null ? 1024 : maxConnections;
		if (!BaseUrls.isHttp(baseUrl)) {
			throw new IllegalArgumentException("colony.worker.llm.openai.base-url must be an http(s) URL, e.g. "
					+ "https://api.openai.com/v1");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.llm.openai.timeout must be positive");
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("colony.worker.llm.openai.max-response-size must be between 1KB and 2GB");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("colony.worker.llm.openai.max-connections must be at least 1");
		}
	}

	/** Never prints the key. */
	@Override
	public String toString() {
		return "OpenAiCompatibleSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
				+ ", model=" + model + ", timeout=" + timeout + ", maxResponseSize=" + maxResponseSize
				+ ", maxConnections=" + maxConnections + "]";
	}
}
