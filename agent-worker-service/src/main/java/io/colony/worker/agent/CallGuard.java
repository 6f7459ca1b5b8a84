package io.colony.worker.agent;

import reactor.core.publisher.Mono;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Back-pressure around one provider call: rate limits, adaptive concurrency, circuit breaker. The call is
 * only subscribed when the guard lets it through; a call waiting for its turn holds no thread.
 */
public interface CallGuard {

	CallGuard NONE = new CallGuard() {
		@Override
		public <T> Mono<T> call(String provider, long estimatedTokens, Supplier<Mono<T>> call,
				ToLongFunction<T> actualTokens) {
			return Mono.defer(call);
		}
	};

	/**
	 * @param estimatedTokens charged against tokens-per-minute before the call
	 * @param actualTokens what the call really used, to correct the estimate
	 */
	<T> Mono<T> call(String provider, long estimatedTokens, Supplier<Mono<T>> call, ToLongFunction<T> actualTokens);
}
