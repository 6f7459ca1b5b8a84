package io.colony.worker.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class LlmFailuresTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@ParameterizedTest
	@ValueSource(ints = { 408, 429, 500, 502, 503, 504 })
	void rateLimitsServerErrorsAndTimeoutsMayBeRetried(int status) {
		LlmFailure failure = LlmFailures.classify(providerError(status), TIMEOUT);

		assertThat(failure.retryable()).isTrue();
		assertThat(failure.reason()).startsWith("LLM provider answered HTTP " + status);
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void otherClientErrorsAreFinal(int status) {
		LlmFailure failure = LlmFailures.classify(providerError(status), TIMEOUT);

		assertThat(failure.retryable()).isFalse();
		assertThat(failure.reason()).startsWith("LLM provider answered HTTP " + status);
	}

	@Test
	void findsTheProviderErrorBehindWrappers() {
		LlmFailure failure = LlmFailures.classify(new CompletionException(new RuntimeException(providerError(429))),
				TIMEOUT);

		assertThat(failure).isEqualTo(new LlmFailure("LLM provider answered HTTP 429 rate limited", true));
	}

	@Test
	void aTimeoutMayBeRetriedAndSaysHowLongItWaited() {
		LlmFailure failure = LlmFailures.classify(new TimeoutException("Did not observe any item"), TIMEOUT);

		assertThat(failure).isEqualTo(new LlmFailure("LLM call did not finish within PT1M", true));
	}

	@Test
	void anUnreachableProviderMayBeRetried() {
		assertThat(LlmFailures.classify(new RuntimeException("connect failed", new ConnectException()), TIMEOUT)
			.retryable()).isTrue();
		assertThat(LlmFailures.classify(new IOException("reset"), TIMEOUT).retryable()).isTrue();
	}

	@Test
	void reasonsNeverRepeatWhatTheExceptionSaid() {
		String secret = "sk-live-0123456789";
		RuntimeException leaky = new IllegalStateException("Incorrect API key provided: " + secret,
				new IOException("Authorization: Bearer " + secret));

		LlmFailure failure = LlmFailures.classify(leaky, TIMEOUT);

		assertThat(failure.reason()).doesNotContain(secret).doesNotContain("Bearer");
		assertThat(failure.retryable()).isTrue();
	}

	private static RuntimeException providerError(int status) {
		return new ProviderException("test", status, null, "test answered HTTP " + status);
	}
}
