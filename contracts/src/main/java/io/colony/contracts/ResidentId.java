package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.regex.Pattern;

/**
 * Identifies a resident agent (one per user, account, repository…), chosen by the client or generated; unique within
 * its tenant's agents. Serialised as its bare string.
 */
public record ResidentId(String value) {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

	public ResidentId {
		if (value == null || !VALID.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"agent id must be 1-128 characters of letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit");
		}
	}

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static ResidentId of(String value) {
		return new ResidentId(value);
	}

	public static boolean isValid(String value) {
		return value != null && VALID.matcher(value).matches();
	}

	@JsonValue
	@Override
	public String toString() {
		return value;
	}
}
