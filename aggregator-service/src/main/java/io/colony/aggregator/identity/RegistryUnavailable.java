package io.colony.aggregator.identity;

/**
 * The registry could not say which keys an agent has. Not the result's fault: it is redelivered and checked
 * again.
 */
public class RegistryUnavailable extends RuntimeException {

	RegistryUnavailable(String message, Throwable cause) {
		super(message, cause);
	}
}
