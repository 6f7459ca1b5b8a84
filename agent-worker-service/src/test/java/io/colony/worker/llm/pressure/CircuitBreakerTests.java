package io.colony.worker.llm.pressure;

import io.colony.worker.llm.pressure.CircuitBreaker.State;
import io.colony.worker.llm.pressure.CircuitBreaker.Transition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.colony.worker.llm.pressure.Limits.PROVIDER;
import static io.colony.worker.llm.pressure.Limits.status;
import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTests {

	private static final Duration OPEN_FOR = Duration.ofSeconds(30);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CircuitBreaker breaker = new CircuitBreaker(Limits.breaker(3, OPEN_FOR), meters, time);

	private final List<Transition> transitions = new CopyOnWriteArrayList<>();

	private final AtomicInteger calls = new AtomicInteger();

	CircuitBreakerTests() {
		breaker.addListener(transitions::add);
	}

	@Test
	void opensAfterConsecutiveOutagesAndThenFailsFastWithoutCalling() {
		fail(status(503));
		fail(new TimeoutException());
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.CLOSED);
		fail(new IOException("connection refused"));

		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
		assertThat(transitions).containsExactly(
				new Transition(PROVIDER, State.CLOSED, State.OPEN, Instant.ofEpochMilli(OPEN_FOR.toMillis())));
		assertThat(meters.get("colony.llm.circuit.state").tag("provider", PROVIDER).gauge().value()).isEqualTo(2);

		StepVerifier.create(breaker.run(PROVIDER, call(Mono.just("never"))))
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ProviderUnavailable.class)
				.hasMessage("circuit open for provider acme until 1970-01-01T00:00:30Z")
				.satisfies(unavailable -> assertThat(((ProviderUnavailable) unavailable).retryable()).isTrue()))
			.verify();
		StepVerifier.create(breaker.rejectIfOpen(PROVIDER)).expectError(ProviderUnavailable.class).verify();
		assertThat(calls).as("calls made, the one refused excluded").hasValue(3);
	}

	@Test
	void rateLimitsAndClientErrorsNeitherCountNorResetButASuccessResets() {
		fail(status(500));
		fail(status(502));
		fail(status(429));
		fail(status(400));
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.CLOSED);
		succeed();
		fail(status(500));
		fail(status(500));
		assertThat(breaker.state(PROVIDER)).as("the success reset the count").isEqualTo(State.CLOSED);
		fail(status(504));

		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
	}

	@Test
	void afterOpenForOneProbeGoesThroughAndItsSuccessClosesAndLetsTheWaitingCallsGo() {
		open();
		time.advanceTimeBy(OPEN_FOR.minusMillis(1));
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
		time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.HALF_OPEN);
		assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);

		Sinks.One<String> probe = Sinks.one();
		List<String> results = new CopyOnWriteArrayList<>();
		breaker.run(PROVIDER, call(probe.asMono())).subscribe(results::add);
		breaker.run(PROVIDER, call(Mono.just("waited"))).subscribe(results::add);
		assertThat(calls).as("only the probe is called").hasValue(4);

		probe.tryEmitValue("probe");

		assertThat(breaker.state(PROVIDER)).isEqualTo(State.CLOSED);
		assertThat(results).containsExactlyInAnyOrder("probe", "waited");
		assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
	}

	@Test
	void aFailedProbeOpensItAgainAndTheWaitingCallsFailFast() {
		open();
		time.advanceTimeBy(OPEN_FOR);
		Sinks.One<String> probe = Sinks.one();
		breaker.run(PROVIDER, call(probe.asMono())).subscribe(value -> {
		}, error -> {
		});

		StepVerifier.withVirtualTime(() -> breaker.run(PROVIDER, call(Mono.just("never"))), () -> time, Long.MAX_VALUE)
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(5))
			.then(() -> probe.tryEmitError(status(503)))
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ProviderUnavailable.class)
				.hasMessage("circuit open for provider acme until 1970-01-01T00:01:05Z"))
			.verify();

		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
		assertThat(calls).as("three failures and the probe").hasValue(4);
		assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN);
	}

	@Test
	void aProbeThatSaysNothingAboutAnOutageLetsTheNextCallProbe() {
		open();
		time.advanceTimeBy(OPEN_FOR);
		Sinks.One<String> firstProbe = Sinks.one();
		Sinks.One<String> secondProbe = Sinks.one();
		breaker.run(PROVIDER, call(firstProbe.asMono())).subscribe(value -> {
		}, error -> {
		});
		List<String> results = new CopyOnWriteArrayList<>();
		breaker.run(PROVIDER, call(secondProbe.asMono())).subscribe(results::add);
		assertThat(calls).hasValue(4);

		firstProbe.tryEmitError(status(429));
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.HALF_OPEN);
		assertThat(calls).as("the waiting call became the probe").hasValue(5);

		secondProbe.tryEmitValue("ok");
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.CLOSED);
		assertThat(results).containsExactly("ok");
	}

	@Test
	void outcomesOfCallsAdmittedBeforeTheBreakerOpenedAreIgnored() {
		Sinks.One<String> slow = Sinks.one();
		breaker.run(PROVIDER, call(slow.asMono())).subscribe();
		open();

		slow.tryEmitValue("late success");

		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheOthers() {
		List<State> seen = new CopyOnWriteArrayList<>();
		CircuitBreaker breaker = new CircuitBreaker(Limits.breaker(1, OPEN_FOR), null, time);
		breaker.addListener(transition -> {
			throw new IllegalStateException("listener bug");
		});
		breaker.addListener(transition -> seen.add(transition.to()));

		StepVerifier.create(breaker.run(PROVIDER, Mono.error(status(500)))).expectError().verify();

		assertThat(seen).containsExactly(State.OPEN);
	}

	private void open() {
		fail(status(500));
		fail(status(500));
		fail(status(500));
		assertThat(breaker.state(PROVIDER)).isEqualTo(State.OPEN);
	}

	private void succeed() {
		StepVerifier.create(breaker.run(PROVIDER, call(Mono.just("ok")))).expectNext("ok").verifyComplete();
	}

	private void fail(Throwable error) {
		StepVerifier.create(breaker.run(PROVIDER, call(Mono.error(error)))).expectErrorMatches(error::equals).verify();
	}

	private <T> Mono<T> call(Mono<T> answer) {
		return Mono.defer(() -> {
			calls.incrementAndGet();
			return answer;
		});
	}
}
