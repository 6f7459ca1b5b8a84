package io.colony.aggregator.progress;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottleTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final Throttle<String, Integer> throttle = new Throttle<>(Duration.ofMillis(250));

	@Test
	void theFirstValueOfAKeyGoesThrough() {
		assertThat(throttle.offer("job", 1, T0)).contains(1);
	}

	@Test
	void valuesWithinTheIntervalAreHeldAndOnlyTheLatestIsReleased() {
		throttle.offer("job", 1, T0);

		assertThat(throttle.offer("job", 2, T0.plusMillis(100))).isEmpty();
		assertThat(throttle.offer("job", 3, T0.plusMillis(200))).isEmpty();
		assertThat(throttle.drainDue(T0.plusMillis(249))).isEmpty();
		assertThat(throttle.drainDue(T0.plusMillis(250))).containsExactly(3);
		assertThat(throttle.drainDue(T0.plusMillis(600))).isEmpty();
	}

	@Test
	void aValueOnceTheIntervalPassedGoesThroughAtOnce() {
		throttle.offer("job", 1, T0);
		throttle.offer("job", 2, T0.plusMillis(100));

		assertThat(throttle.offer("job", 3, T0.plusMillis(300))).contains(3);
		assertThat(throttle.drainDue(T0.plusMillis(1000))).isEmpty();
	}

	@Test
	void aBurstOfThousandsYieldsOneValuePerInterval() {
		int sent = 0;
		for (int i = 0; i < 2000; i++) {
			Instant now = T0.plusMillis(i / 2);
			if (throttle.offer("job", i, now).isPresent()) {
				sent++;
			}
			sent += throttle.drainDue(now).size();
		}

		assertThat(sent).isEqualTo(4);
	}

	@Test
	void keysAreThrottledIndependently() {
		throttle.offer("a", 1, T0);

		assertThat(throttle.offer("b", 1, T0.plusMillis(1))).contains(1);
	}

	@Test
	void aForgottenKeyHasNothingPending() {
		throttle.offer("job", 1, T0);
		throttle.offer("job", 2, T0.plusMillis(10));
		throttle.forget("job");

		assertThat(throttle.drainDue(T0.plusSeconds(1))).isEmpty();
		assertThat(throttle.size()).isZero();
	}

	@Test
	void idleKeysAreEvictedButNotThoseWithSomethingPending() {
		throttle.offer("idle", 1, T0);
		throttle.offer("busy", 1, T0);
		throttle.offer("busy", 2, T0.plusMillis(10));

		throttle.evictIdle(T0.plusSeconds(120), Duration.ofMinutes(1));

		assertThat(throttle.size()).isEqualTo(1);
		assertThat(throttle.drainDue(T0.plusSeconds(120))).containsExactly(2);
	}
}
