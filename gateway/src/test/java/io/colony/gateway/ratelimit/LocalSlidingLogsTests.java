package io.colony.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sliding-log rule on a clock the test moves (times are microseconds, as the limiter passes them). */
class LocalSlidingLogsTests {

	private static final long SECOND = 1_000_000;

	private static final long T0 = 1_800_000_000L * SECOND;

	private final LocalSlidingLogs logs = new LocalSlidingLogs(Duration.ofMinutes(1));

	@Test
	void admitsTheLimitWithinAWindowThenSaysWhenTheOldestLeaves() {
		assertThat(logs.decide("k", 3, T0)).isInstanceOf(Admission.Admitted.class);
		assertThat(logs.decide("k", 3, T0 + 10 * SECOND)).isInstanceOf(Admission.Admitted.class);
		assertThat(logs.decide("k", 3, T0 + 20 * SECOND)).isInstanceOf(Admission.Admitted.class);

		assertThat(logs.decide("k", 3, T0 + 25 * SECOND)).isEqualTo(new Admission.Refused(Duration.ofSeconds(35)));
		assertThat(logs.decide("k", 3, T0 + 60 * SECOND - 1)).as("the oldest is still inside the window")
			.isEqualTo(new Admission.Refused(Duration.ofNanos(1_000)));
		assertThat(logs.decide("k", 3, T0 + 60 * SECOND)).as("exactly one window after the oldest")
			.isInstanceOf(Admission.Admitted.class);
		assertThat(logs.decide("k", 3, T0 + 61 * SECOND)).as("the second oldest leaves at +70 s")
			.isEqualTo(new Admission.Refused(Duration.ofSeconds(9)));
	}

	@Test
	void slidesInsteadOfResettingSoNoMinuteEverHoldsMoreThanTheLimit() {
		// 5 at the end of one minute and then at the start of the next: a fixed window would admit 10 in 2 seconds
		IntStream.range(0, 5).forEach(i -> assertThat(logs.decide("k", 5, T0 + 59 * SECOND + i))
			.isInstanceOf(Admission.Admitted.class));

		assertThat(logs.decide("k", 5, T0 + 61 * SECOND)).isInstanceOf(Admission.Refused.class);
		assertThat(logs.decide("k", 5, T0 + 119 * SECOND)).isInstanceOf(Admission.Admitted.class);
	}

	@Test
	void refusedRequestsAreNotCountedSoRetryingDoesNotPushTheSlotAway() {
		assertThat(logs.decide("k", 1, T0)).isInstanceOf(Admission.Admitted.class);
		for (int second = 1; second < 60; second++) {
			assertThat(logs.decide("k", 1, T0 + second * SECOND)).isInstanceOf(Admission.Refused.class);
		}

		assertThat(logs.decide("k", 1, T0 + 60 * SECOND)).isInstanceOf(Admission.Admitted.class);
	}

	@Test
	void keysAreCountedApart() {
		assertThat(logs.decide("submissions:acme", 1, T0)).isInstanceOf(Admission.Admitted.class);

		assertThat(logs.decide("submissions:acme", 1, T0)).isInstanceOf(Admission.Refused.class);
		assertThat(logs.decide("requests:acme", 1, T0)).isInstanceOf(Admission.Admitted.class);
		assertThat(logs.decide("submissions:globex", 1, T0)).isInstanceOf(Admission.Admitted.class);
	}

	@Test
	void forgetsKeysThatWereIdleForAWindow() {
		IntStream.range(0, 100).forEach(i -> logs.decide("tenant-" + i, 10, T0));
		assertThat(logs.size()).isEqualTo(100);

		logs.decide("tenant-0", 10, T0 + 30 * SECOND);
		logs.decide("fresh", 10, T0 + 61 * SECOND);

		assertThat(logs.size()).as("only the key used within the last minute and the new one").isEqualTo(2);
	}

	@Test
	void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
		assertThat(new Admission.Refused(Duration.ofSeconds(12)).retryAfterSeconds()).isEqualTo(12);
		assertThat(new Admission.Refused(Duration.ofSeconds(12).plusNanos(1_000)).retryAfterSeconds()).isEqualTo(13);
		assertThat(new Admission.Refused(Duration.ofMillis(200)).retryAfterSeconds()).isEqualTo(1);
		assertThat(new Admission.Refused(Duration.ofNanos(1_000)).retryAfterSeconds()).isEqualTo(1);
	}
}
