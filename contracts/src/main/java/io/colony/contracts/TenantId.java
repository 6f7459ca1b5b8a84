package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Identifies a Tenant; serialised as its bare string. */
public record TenantId(String value) {

	public TenantId {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("TenantId must not be blank");
		}
		if (value.length() > 200) {
			throw new IllegalArgumentException("TenantId must be at most 200 characters");
		}
	}

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static TenantId of(String value) {
		return new TenantId(value);
	}

	@JsonValue
	@Override
	public String toString() {
		return value;
	}
}
