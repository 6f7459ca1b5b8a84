package io.colony.orchestrator.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryBackoffTests {

	private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void doublesWithEachFailedAttempt() {
		assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(4));
		assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(16));
	}

	@Test
	void isCappedAtItsMaximum() {
		assertThat(backoff.after(6)).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.after(10)).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void treatsAttemptsBelowOneAsTheFirst() {
		assertThat(backoff.after(0)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void rejectsAMaximumBelowTheBase() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(1)));
	}
}
