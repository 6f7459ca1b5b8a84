package io.colony.aggregator.identity;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.RegistryEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps the keyring fresh from {@code colony.registry}: keys agents announce in heartbeats (so that most results
 * never wait on a registry lookup) and revocations (so that a revoked key is refused at once). Each instance
 * hears every such event on its own private queue; an event missed while it was down is made up for by asking
 * the registry, whose view also lists revoked keys.
 */
final class RegistryEventsListener implements SmartInitializingSingleton {

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final AgentKeyring keyring;

	RegistryEventsListener(ColonyConsumers consumers, Declarables queue, AgentKeyring keyring) {
		this.consumers = consumers;
		this.queue = queue;
		this.keyring = keyring;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, RegistryEvent.class, this::learnAgentKeys);
	}

	CompletionStage<Void> learnAgentKeys(Inbound<RegistryEvent> inbound) {
		switch (inbound.payload()) {
			case AgentHeartbeat heartbeat -> keyring.announced(heartbeat.agentId(), heartbeat.keys());
			case AgentKeyRevoked revoked -> keyring.revoke(revoked.agentId(), revoked.keyId());
			default -> {
				// departures and rotation requests change no key this instance trusts
			}
		}
		return CompletableFuture.completedFuture(null);
	}
}
