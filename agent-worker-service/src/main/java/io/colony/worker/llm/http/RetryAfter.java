package io.colony.worker.llm.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either a number of seconds or an HTTP-date.
 * A date in the past means "now"; anything unreadable means the provider gave no hint.
 */
final class RetryAfter {

	private RetryAfter() {
	}

	/** @return how long to wait, or {@code null} when {@code value} is absent or unreadable */
	static Duration parse(String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.strip();
		if (trimmed.chars().allMatch(Character::isDigit)) {
			try {
				return Duration.ofSeconds(Long.parseLong(trimmed));
			}
			catch (NumberFormatException tooLong) {
				return null;
			}
		}
		try {
			ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration wait = Duration.between(clock.instant(), at.toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException notADate) {
			return null;
		}
	}
}
