package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyClockTests {

	private final AtomicInteger released = new AtomicInteger();

	private final ReplyClock clock = new ReplyClock(10, released::incrementAndGet);

	@Test
	void timesAReplyThatComesAfterTheGatewaysAnswer() {
		clock.sent("m1", 1_000_000);
		clock.replied("m1", 251_000_000);

		assertThat(clock.replied()).isEqualTo(1);
		assertThat(clock.latenciesMillis().at(50)).isEqualTo(250);
		assertThat(clock.lastReplyNanos()).isEqualTo(251_000_000);
		assertThat(released).hasValue(1);
		assertThat(clock.awaitingReply()).isZero();
	}

	@Test
	void timesAReplyThatOvertookTheGatewaysAnswer() {
		clock.replied("m1", 300_000_000);
		assertThat(clock.replied()).isZero();
		assertThat(clock.unmatchedReplies()).isEqualTo(1);
		assertThat(released).hasValue(0);

		clock.sent("m1", 100_000_000);

		assertThat(clock.replied()).isEqualTo(1);
		assertThat(clock.latenciesMillis().at(99)).isEqualTo(200);
		assertThat(clock.lastReplyNanos()).isEqualTo(300_000_000);
		assertThat(clock.unmatchedReplies()).isZero();
		assertThat(released).hasValue(1);
	}

	@Test
	void aSecondReplyToTheSameMessageIsADuplicateNotAnotherReply() {
		clock.sent("m1", 0);
		clock.replied("m1", 10_000_000);
		clock.replied("m1", 20_000_000);
		clock.replied("m2", 20_000_000);
		clock.replied("m2", 30_000_000);

		assertThat(clock.replied()).isEqualTo(1);
		assertThat(clock.duplicated()).isEqualTo(2);
		assertThat(released).hasValue(1);
	}

	@Test
	void countsWhatIsStillAwaited() {
		clock.sent("m1", 0);
		clock.sent("m2", 0);
		clock.replied("m2", 5_000_000);

		assertThat(clock.awaitingReply()).isEqualTo(1);
		assertThat(clock.latenciesMillis().size()).isEqualTo(1);
	}
}
