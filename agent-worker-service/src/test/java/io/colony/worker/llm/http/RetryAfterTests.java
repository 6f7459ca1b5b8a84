package io.colony.worker.llm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

	@Test
	void readsSeconds() {
		assertThat(RetryAfter.parse("7", NOW)).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofSeconds(120));
	}

	@Test
	void readsAnHttpDateAsTheWaitUntilThen() {
		assertThat(RetryAfter.parse("Sun, 01 Mar 2026 12:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aDateInThePastMeansNow() {
		assertThat(RetryAfter.parse("Sun, 01 Mar 2026 11:59:00 GMT", NOW)).isEqualTo(Duration.ZERO);
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { " ", "soon", "-5", "1.5", "99999999999999999999999", "2026-03-01T12:00:30Z" })
	void anythingElseIsNoHint(String value) {
		assertThat(RetryAfter.parse(value, NOW)).isNull();
	}
}
