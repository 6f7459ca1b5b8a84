package io.colony.credentials.signature;

/** The registry could not say which keys an agent has, so its message can be neither accepted nor refused yet. */
public class RegistryUnavailable extends RuntimeException {

	RegistryUnavailable(String message, Throwable cause) {
		super(message, cause);
	}
}
