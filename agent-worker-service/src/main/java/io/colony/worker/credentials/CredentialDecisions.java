package io.colony.worker.credentials;

import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import reactor.core.publisher.Sinks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests of this worker that may wait for a person's decision: a sink per request id, completed by the
 * {@code credential.decided} event. A waiting task costs this map entry and nothing else (no thread). A request is
 * registered before it is sent, so a decision that arrives before the service's answer is not missed; the
 * sink keeps it for the waiter that subscribes later.
 */
final class CredentialDecisions {

	private final Map<CredentialRequestId, Sinks.One<CredentialRequestDecided>> waiting = new ConcurrentHashMap<>();

	/** The sink the decision completes; {@link #forget} it when no longer waiting, whatever the outcome. */
	Sinks.One<CredentialRequestDecided> register(CredentialRequestId requestId) {
		return waiting.computeIfAbsent(requestId, id -> Sinks.one());
	}

	void forget(CredentialRequestId requestId, Sinks.One<CredentialRequestDecided> registered) {
		waiting.remove(requestId, registered);
	}

	/** A decision of a request nobody here waits for (another worker's, or one given up on) is ignored. */
	void decided(CredentialRequestDecided event) {
		Sinks.One<CredentialRequestDecided> sink = event.requestId() == null ? null : waiting.get(event.requestId());
		if (sink != null) {
			sink.tryEmitValue(event);
		}
	}

	int waitingCount() {
		return waiting.size();
	}
}
