package io.colony.worker.llm;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimitTests {

	@Test
	void runsAtMostMaxCallsAndStartsWaitingOnesAsSlotsFree() {
		ConcurrencyLimit limit = new ConcurrencyLimit(2);
		AtomicInteger started = new AtomicInteger();
		List<Sinks.One<String>> calls = new ArrayList<>();
		List<String> results = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Sinks.One<String> call = Sinks.one();
			calls.add(call);
			limit.run(Mono.defer(() -> {
				started.incrementAndGet();
				return call.asMono();
			})).subscribe(results::add);
		}

		assertThat(started).hasValue(2);
		assertThat(limit.running()).isEqualTo(2);
		assertThat(limit.waiting()).isEqualTo(3);

		calls.get(0).tryEmitValue("a");
		assertThat(started).hasValue(3);
		calls.get(1).tryEmitError(new IllegalStateException("boom"));
		assertThat(started).hasValue(4);
		calls.get(2).tryEmitValue("c");
		calls.get(3).tryEmitValue("d");
		calls.get(4).tryEmitValue("e");

		assertThat(results).containsExactly("a", "c", "d", "e");
		assertThat(limit.running()).isZero();
		assertThat(limit.waiting()).isZero();
	}

	@Test
	void aCancelledWaitingCallNeverStartsAndACancelledRunningOneFreesItsSlot() {
		ConcurrencyLimit limit = new ConcurrencyLimit(1);
		AtomicInteger started = new AtomicInteger();
		Mono<String> never = Mono.defer(() -> {
			started.incrementAndGet();
			return Mono.never();
		});

		Disposable running = limit.run(never).subscribe();
		Disposable waiting = limit.run(never).subscribe();
		assertThat(started).hasValue(1);

		waiting.dispose();
		running.dispose();
		assertThat(started).hasValue(1);
		assertThat(limit.running()).isZero();

		limit.run(never).subscribe();
		assertThat(started).hasValue(2);
		assertThat(limit.running()).isEqualTo(1);
	}
}
