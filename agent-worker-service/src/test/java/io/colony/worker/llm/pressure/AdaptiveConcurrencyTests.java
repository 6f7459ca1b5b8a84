package io.colony.worker.llm.pressure;

import io.colony.contracts.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.colony.worker.llm.pressure.Limits.PROVIDER;
import static io.colony.worker.llm.pressure.Limits.status;
import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveConcurrencyTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void runsAtMostTheLimitAndStartsWaitingCallsInArrivalOrder() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(2, 1, 8), meters, time);
		Calls calls = new Calls(concurrency, 4);

		assertThat(calls.started()).containsExactly(0, 1);
		assertThat(concurrency.active(PROVIDER)).isEqualTo(2);
		assertThat(concurrency.waiting(PROVIDER)).isEqualTo(2);
		assertThat(meters.get("colony.llm.concurrency.waiting").tag("provider", PROVIDER).gauge().value()).isEqualTo(2);

		calls.succeed(1);
		assertThat(calls.started()).containsExactly(0, 1, 2);
		calls.fail(0, new IllegalStateException("not a provider failure"));
		assertThat(calls.started()).containsExactly(0, 1, 2, 3);
		assertThat(concurrency.waiting(PROVIDER)).isZero();
	}

	@Test
	void waitingCallsStartHighFirstThenNormalThenLowInArrivalOrderWithinEach() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(1, 1, 1), meters, time);
		Calls calls = new Calls(concurrency, 7, List.of(Priority.NORMAL, Priority.LOW, Priority.NORMAL, Priority.LOW,
				Priority.HIGH, Priority.NORMAL, Priority.HIGH));

		assertThat(calls.started()).containsExactly(0);
		for (int done : List.of(0, 4, 6, 2, 5, 1, 3)) {
			calls.succeed(done);
		}
		assertThat(calls.started()).containsExactly(0, 4, 6, 2, 5, 1, 3);
	}

	@Test
	void aCallWithoutAPriorityWaitsAsNormal() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(1, 1, 1), meters, time);
		Calls first = new Calls(concurrency, 2, java.util.Arrays.asList(Priority.HIGH, Priority.LOW));
		Calls unmarked = new Calls(concurrency, 1);

		first.succeed(0);
		assertThat(unmarked.started()).containsExactly(0);
		assertThat(first.started()).containsExactly(0);
	}

	@Test
	void aCancelledWaitingCallLeavesTheQueueAndNeverStarts() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(1, 1, 1), meters, time);
		Calls calls = new Calls(concurrency, 3);

		calls.subscriptions.get(1).dispose();
		assertThat(concurrency.waiting(PROVIDER)).isEqualTo(1);

		calls.succeed(0);
		assertThat(calls.started()).containsExactly(0, 2);
		assertThat(concurrency.active(PROVIDER)).isEqualTo(1);

		calls.subscriptions.get(2).dispose();
		assertThat(concurrency.active(PROVIDER)).isZero();
		assertThat(calls.results).containsExactly("0");
	}

	@Test
	void overloadHalvesTheLimitOncePerRoundButNeverBelowMin() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(8, 3, 16), meters, time);
		Calls first = new Calls(concurrency, 8);

		first.fail(0, status(429));
		assertThat(concurrency.limit(PROVIDER)).isEqualTo(4);
		first.fail(1, status(503));
		first.fail(2, new TimeoutException());
		assertThat(concurrency.limit(PROVIDER)).as("calls from before the cut do not cut again").isEqualTo(4);
		for (int i = 3; i < 8; i++) {
			first.succeed(i);
		}

		Calls second = new Calls(concurrency, 1);
		second.fail(0, new TimeoutException());
		assertThat(concurrency.limit(PROVIDER)).as("4 / 2, but min is 3").isEqualTo(3);
		assertThat(meters.get("colony.llm.concurrency.limit").tag("provider", PROVIDER).gauge().value()).isEqualTo(3);
	}

	@Test
	void growsByOneAfterLimitSuccessesWhileTheLimitIsInUseUpToMax() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(2, 1, 3), meters, time);

		Calls first = new Calls(concurrency, 2);
		first.succeed(0);
		assertThat(concurrency.limit(PROVIDER)).isEqualTo(2);
		first.succeed(1);
		assertThat(concurrency.limit(PROVIDER)).isEqualTo(3);

		for (int round = 0; round < 3; round++) {
			Calls more = new Calls(concurrency, 3);
			for (int i = 0; i < 3; i++) {
				more.succeed(i);
			}
		}
		assertThat(concurrency.limit(PROVIDER)).as("max").isEqualTo(3);
	}

	@Test
	void doesNotGrowWhileMostOfTheLimitIsUnused() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(4, 1, 16), meters, time);

		for (int i = 0; i < 20; i++) {
			new Calls(concurrency, 1).succeed(0);
		}

		assertThat(concurrency.limit(PROVIDER)).isEqualTo(4);
	}

	@Test
	void clientErrorsTeachNothing() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(4, 1, 16), meters, time);
		Calls calls = new Calls(concurrency, 2);

		calls.fail(0, status(400));
		calls.fail(1, status(401));

		assertThat(concurrency.limit(PROVIDER)).isEqualTo(4);
		assertThat(concurrency.pausedFor(PROVIDER)).isNull();
	}

	@Test
	void retryAfterPausesNewCallsUntilItHasPassedWhileRunningCallsGoOn() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(4, 1, 16), meters, time);
		Calls before = new Calls(concurrency, 2);
		before.fail(0, status(429, Duration.ofSeconds(10)));
		assertThat(concurrency.limit(PROVIDER)).isEqualTo(2);
		AtomicInteger started = new AtomicInteger();

		StepVerifier.withVirtualTime(() -> concurrency.run(PROVIDER, Mono.fromCallable(() -> {
			started.incrementAndGet();
			return "after the pause";
		})), () -> time, Long.MAX_VALUE)
			.expectSubscription()
			.then(() -> before.succeed(1))
			.expectNoEvent(Duration.ofSeconds(9))
			.then(() -> assertThat(started).hasValue(0))
			.thenAwait(Duration.ofSeconds(1))
			.expectNext("after the pause")
			.verifyComplete();

		assertThat(before.results).containsExactly("1");
		assertThat(concurrency.pausedFor(PROVIDER)).isNull();
	}

	@Test
	void aLaterRetryAfterExtendsThePause() {
		AdaptiveConcurrency concurrency = new AdaptiveConcurrency(Limits.concurrency(4, 1, 16), meters, time);
		Calls before = new Calls(concurrency, 2);
		before.fail(0, status(429, Duration.ofSeconds(5)));
		Calls waiting = new Calls(concurrency, 1);
		time.advanceTimeBy(Duration.ofSeconds(2));
		before.fail(1, status(503, Duration.ofSeconds(10)));

		time.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(waiting.started()).as("the first pause ended, the second goes on").isEmpty();
		time.advanceTimeBy(Duration.ofSeconds(7));
		assertThat(waiting.started()).containsExactly(0);
	}

	/** {@code n} calls subscribed through {@code concurrency}, each ended by the test. */
	private static final class Calls {

		final List<Sinks.One<String>> answers = new ArrayList<>();

		final List<Integer> started = new ArrayList<>();

		final List<Disposable> subscriptions = new ArrayList<>();

		final List<String> results = new ArrayList<>();

		Calls(AdaptiveConcurrency concurrency, int n) {
			this(concurrency, n, null);
		}

		Calls(AdaptiveConcurrency concurrency, int n, List<Priority> priorities) {
			for (int i = 0; i < n; i++) {
				int index = i;
				Sinks.One<String> answer = Sinks.one();
				answers.add(answer);
				Mono<String> call = concurrency.run(PROVIDER, Mono.defer(() -> {
					started.add(index);
					return answer.asMono();
				}));
				if (priorities != null) {
					call = call.contextWrite(AdaptiveConcurrency.withPriority(priorities.get(i)));
				}
				subscriptions.add(call.subscribe(results::add, error -> {
				}));
			}
		}

		List<Integer> started() {
			return started;
		}

		void succeed(int i) {
			answers.get(i).tryEmitValue(Integer.toString(i));
		}

		void fail(int i, Throwable error) {
			answers.get(i).tryEmitError(error);
		}
	}
}
