package io.colony.worker.identity;

import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentKeyRotationRequested;
import io.colony.contracts.RegistryEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import io.colony.worker.WorkerIdentity;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears the registry's key events for this agent on a private queue: a rotation request makes a new signing key,
 * a revocation stops announcing the key (and replaces it when it was the current one). Events for other agents
 * are ignored. Both are idempotent enough for redelivery: a second rotation only makes one more key.
 */
final class KeyEventsListener implements SmartInitializingSingleton {

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final WorkerIdentity identity;

	private final WorkerKeys keys;

	KeyEventsListener(ColonyConsumers consumers, Declarables queue, WorkerIdentity identity, WorkerKeys keys) {
		this.consumers = consumers;
		this.queue = queue;
		this.identity = identity;
		this.keys = keys;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, RegistryEvent.class, this::applyKeyEvent);
	}

	CompletionStage<Void> applyKeyEvent(Inbound<RegistryEvent> inbound) {
		switch (inbound.payload()) {
			case AgentKeyRotationRequested rotation when identity.agentId().equals(rotation.agentId()) -> keys.rotate();
			case AgentKeyRevoked revoked when identity.agentId().equals(revoked.agentId()) ->
				keys.revoked(revoked.keyId());
			default -> {
				// another agent's key event, or a registry event this worker does not act on
			}
		}
		return CompletableFuture.completedFuture(null);
	}
}
