package io.colony.worker.llm.pressure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Every call to an LLM provider goes through here, in this order:
 * <ol>
 * <li>the breaker: fail fast with {@link ProviderUnavailable} while it is open;</li>
 * <li>a permit of the adaptive concurrency limit (waiting in a queue, no thread);</li>
 * <li>a grant of the fleet-wide rate limit (waiting on a timer). It is taken after the permit, right before the
 * call, so that the provider receives requests at the rate they were granted: a grant taken first and then held
 * while queueing for a permit would be spent before its request was sent, letting requests bunch up in a later
 * window;</li>
 * <li>the breaker again, at the moment of the call: a call that queued while the breaker opened fails fast
 * instead of adding to the outage (and gives its rate grant back); in half-open this is where the probe is
 * chosen;</li>
 * <li>the call; its outcome feeds the breaker and the concurrency limit, its {@code Retry-After} pauses the
 * provider here and, through Redis, for the fleet, and its tokens correct the rate limit's estimate.</li>
 * </ol>
 */
public final class ProviderGuard {

	private static final Logger log = LoggerFactory.getLogger(ProviderGuard.class);

	private final CircuitBreaker breaker;

	private final FleetRateLimiter rateLimiter;

	private final AdaptiveConcurrency concurrency;

	public ProviderGuard(CircuitBreaker breaker, FleetRateLimiter rateLimiter, AdaptiveConcurrency concurrency) {
		this.breaker = breaker;
		this.rateLimiter = rateLimiter;
		this.concurrency = concurrency;
	}

	/**
	 * One guarded call. {@code call} is invoked at most once, only when every limit allows it; it should carry
	 * its own timeout ({@code .timeout(...)}, failing with {@link java.util.concurrent.TimeoutException}) so
	 * that a slow provider counts as timed out. A timeout or cancellation applied from outside instead cancels
	 * the wait or the call and teaches the limits nothing. Errors are the call's own, or
	 * {@link ProviderUnavailable}.
	 *
	 * @param estimatedTokens prompt plus expected completion tokens, charged against tokens-per-minute until the
	 * call's {@code actualTokens} replace it
	 * @param actualTokens the tokens a successful call used (prompt + completion)
	 */
	public <T> Mono<T> call(String provider, long estimatedTokens, Supplier<Mono<T>> call,
			ToLongFunction<T> actualTokens) {
		return breaker.rejectIfOpen(provider)
			.then(concurrency.run(provider, rateLimiter.acquire(provider, estimatedTokens)
				.flatMap(grant -> send(provider, grant, call, actualTokens))));
	}

	private <T> Mono<T> send(String provider, RateGrant grant, Supplier<Mono<T>> call,
			ToLongFunction<T> actualTokens) {
		AtomicBoolean sent = new AtomicBoolean();
		return breaker.run(provider, Mono.defer(() -> {
			sent.set(true);
			return call.get();
		}))
			.doOnSuccess(value -> settle(grant, value, actualTokens))
			.doOnError(error -> {
				Outcome outcome = Outcome.of(error);
				if (outcome.retryAfter() != null) {
					rateLimiter.pause(provider, outcome.retryAfter()).subscribe();
				}
			})
			.doFinally(signal -> {
				if (!sent.get()) {
					rateLimiter.release(grant).subscribe();
				}
			});
	}

	private <T> void settle(RateGrant grant, T value, ToLongFunction<T> actualTokens) {
		if (value == null) {
			return;
		}
		long tokens;
		try {
			tokens = actualTokens.applyAsLong(value);
		}
		catch (RuntimeException ex) {
			log.warn("Could not count the tokens of an answer of LLM provider {}; its estimate stays charged",
					grant.provider(), ex);
			return;
		}
		rateLimiter.settle(grant, tokens).subscribe();
	}

	public CircuitBreaker breaker() {
		return breaker;
	}

	public AdaptiveConcurrency concurrency() {
		return concurrency;
	}

	public FleetRateLimiter rateLimiter() {
		return rateLimiter;
	}
}
