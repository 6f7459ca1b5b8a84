package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Task priority. High tasks go to their capability's own queue ({@link Destinations#taskRoutingKey(String, Priority)})
 * and, like every task, wait in the worker's scheduler high first, then normal, then low; the AMQP message priority
 * is set too, for brokers and queue types that honour it.
 */
public enum Priority {

	LOW(1), NORMAL(5), HIGH(9);

	private final int amqpPriority;

	Priority(int amqpPriority) {
		this.amqpPriority = amqpPriority;
	}

	public int amqpPriority() {
		return amqpPriority;
	}

	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** @throws IllegalArgumentException naming the accepted values */
	@JsonCreator
	public static Priority fromWireName(String name) {
		for (Priority priority : values()) {
			if (priority.wireName().equals(name)) {
				return priority;
			}
		}
		throw new IllegalArgumentException("priority must be one of low, normal, high");
	}
}
