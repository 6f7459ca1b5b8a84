package io.colony.worker.cancellation;

import io.colony.contracts.JobId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CancelledJobsTests {

	private final MutableClock clock = new MutableClock();

	@Test
	void remembersACancelledJobUntilItsRetentionEnds() {
		CancelledJobs jobs = new CancelledJobs(10, Duration.ofHours(1), clock);
		JobId job = JobId.random();

		jobs.cancel(job);
		clock.advance(Duration.ofMinutes(59));
		assertThat(jobs.isCancelled(job)).isTrue();
		assertThat(jobs.isCancelled(JobId.random())).isFalse();

		clock.advance(Duration.ofMinutes(1));
		assertThat(jobs.isCancelled(job)).isFalse();
		assertThat(jobs.size()).isZero();
	}

	@Test
	void forgetsTheOldestWhenFull() {
		CancelledJobs jobs = new CancelledJobs(3, Duration.ofHours(1), clock);
		List<JobId> cancelled = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			JobId job = JobId.random();
			cancelled.add(job);
			jobs.cancel(job);
		}

		assertThat(jobs.size()).isEqualTo(3);
		assertThat(jobs.isCancelled(cancelled.get(0))).isFalse();
		assertThat(jobs.isCancelled(cancelled.get(1))).isFalse();
		assertThat(cancelled.subList(2, 5)).allMatch(jobs::isCancelled);
	}

	@Test
	void tellsListenersOfEachCancellation() {
		CancelledJobs jobs = new CancelledJobs(3, Duration.ofHours(1), clock);
		List<JobId> heard = new ArrayList<>();
		jobs.onCancelled(heard::add);
		JobId job = JobId.random();

		jobs.cancel(job);

		assertThat(heard).containsExactly(job);
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2025-01-01T00:00:00Z");

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneId.of("UTC");
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return now;
		}
	}
}
