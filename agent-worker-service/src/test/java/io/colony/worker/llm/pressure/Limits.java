package io.colony.worker.llm.pressure;

import io.colony.worker.llm.ProviderException;

import java.time.Duration;
import java.util.Map;

/** Settings and provider errors for the tests of this package. */
final class Limits {

	static final String PROVIDER = "acme";

	private Limits() {
	}

	static ProviderLimitsProperties concurrency(int initial, int min, int max) {
		return of(new ProviderLimitsProperties.Provider(null, null,
				new ProviderLimitsProperties.Concurrency(initial, min, max), null));
	}

	static ProviderLimitsProperties breaker(int failureThreshold, Duration openFor) {
		return of(new ProviderLimitsProperties.Provider(null, null, null,
				new ProviderLimitsProperties.Breaker(failureThreshold, openFor)));
	}

	static ProviderLimitsProperties of(ProviderLimitsProperties.Provider provider) {
		return new ProviderLimitsProperties(null, null, null, Map.of(PROVIDER, provider));
	}

	static ProviderException status(int status) {
		return status(status, null);
	}

	static ProviderException status(int status, Duration retryAfter) {
		return new ProviderException(PROVIDER, status, retryAfter, "LLM provider " + PROVIDER + " answered HTTP " + status);
	}
}
