package io.colony.registry.agents;

/**
 * Consul did not take or give what the registry needed. The message names the operation and Consul's status,
 * never the ACL token.
 */
final class ConsulUnavailable extends RuntimeException {

	ConsulUnavailable(String message) {
		super(message);
	}

	ConsulUnavailable(String message, Throwable cause) {
		super(message, cause);
	}
}
