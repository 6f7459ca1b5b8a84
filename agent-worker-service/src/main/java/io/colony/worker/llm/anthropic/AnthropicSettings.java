package io.colony.worker.llm.anthropic;

import io.colony.worker.llm.http.BaseUrls;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * How to reach Anthropic's Messages API. Bindable as {@code colony.worker.llm.anthropic}.
 *
 * @param baseUrl the API root without version, e.g. {@code https://api.anthropic.com}; requests go to
 * {@code <baseUrl>/v1/messages}
 * @param apiKey sent as {@code x-api-key}; blank only for a proxy that adds its own
 * @param model the model when a prompt's options name none
 * @param maxTokens the answer's token limit when a prompt's options set none (the API requires one)
 * @param timeout the longest one call may take, including the wait for a connection
 * @param maxResponseSize the largest answer read; a larger one fails the call
 * @param maxConnections connections open at once to the API; further calls wait, without a thread
 */
public record AnthropicSettings(String baseUrl, String apiKey, String model, Integer maxTokens, Duration timeout,
		DataSize maxResponseSize, Integer maxConnections) {

	public AnthropicSettings {
		baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.anthropic.com" : BaseUrls.normalize(baseUrl);
		apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
		model = model == null || model.isBlank() ? "claude-haiku-4-5" : model.strip();
		maxTokens = maxTokens == null ? 1024 : maxTokens;
		timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
		maxResponseSize = maxResponseSize == null ? DataSize.ofMegabytes(2) : maxResponseSize;
		maxConnections = maxConnections == null ? 1024 : maxConnections;
		if (!BaseUrls.isHttp(baseUrl)) {
			throw new IllegalArgumentException("colony.worker.llm.anthropic.base-url must be an http(s) URL, e.g. "
					+ "https://api.anthropic.com");
		}
		if (maxTokens < 1) {
			throw new IllegalArgumentException("colony.worker.llm.anthropic.max-tokens must be at least 1");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.llm.anthropic.timeout must be positive");
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"colony.worker.llm.anthropic.max-response-size must be between 1KB and 2GB");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("colony.worker.llm.anthropic.max-connections must be at least 1");
		}
	}

	/** Never prints the key. */
	@Override
	public String toString() {
		return "AnthropicSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***") + ", model="
				+ model + ", maxTokens=" + maxTokens + ", timeout=" + timeout + ", maxResponseSize=" + maxResponseSize
				+ ", maxConnections=" + maxConnections + "]";
	}
}
