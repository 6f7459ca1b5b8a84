package io.colony.platform.metrics;

import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsPollerTests {

	private final MetricsPoller poller = new MetricsPoller();

	@AfterEach
	void stop() {
		poller.stop();
	}

	@Test
	void pollsOnItsOwnThreadOnceStartedAndNoMoreOnceStopped() {
		AtomicInteger polls = new AtomicInteger();
		poller.every(Duration.ofMillis(10), "a counter", polls::incrementAndGet, () -> {
		});
		assertThat(polls).as("nothing runs before the application has started").hasValue(0);

		poller.start();
		Await.until(Duration.ofSeconds(5), "a few polls", () -> polls.get() >= 3);
		poller.stop();
		int afterStop = polls.get();
		AtomicInteger probe = new AtomicInteger();
		poller.every(Duration.ofMillis(10), "a probe", probe::incrementAndGet, () -> {
		});
		poller.pollNow();

		assertThat(probe).as("pollNow still runs every poll on the caller's thread").hasValue(1);
		assertThat(polls.get()).isEqualTo(afterStop + 1);
		assertThat(poller.isRunning()).isFalse();
	}

	@Test
	void aFailingPollMarksItsGaugesUnknownAndTheOthersStillRun() {
		AtomicInteger failures = new AtomicInteger();
		AtomicInteger healthy = new AtomicInteger();
		poller.every(Duration.ofMinutes(1), "a broken source", () -> {
			throw new IllegalStateException("down");
		}, failures::incrementAndGet);
		poller.every(Duration.ofMinutes(1), "a healthy source", healthy::incrementAndGet, () -> {
		});

		poller.pollNow();
		poller.pollNow();

		assertThat(failures).hasValue(2);
		assertThat(healthy).hasValue(2);
	}
}
