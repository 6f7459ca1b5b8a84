package io.colony.worker.credentials;

import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRevoked;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.Inbound;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears the credential service's decisions and revocations on a private queue: a decision wakes the task parked on
 * it here (if any), a revocation of this agent's lease drops its token. Both are idempotent, so a redelivery
 * changes nothing; other events on the exchange are ignored.
 */
final class CredentialEventsListener implements SmartInitializingSingleton {

	private final ColonyConsumers consumers;

	private final Declarables queue;

	private final Credentials credentials;

	CredentialEventsListener(ColonyConsumers consumers, Declarables queue, Credentials credentials) {
		this.consumers = consumers;
		this.queue = queue;
		this.credentials = credentials;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumePrivate(queue, CredentialEvent.class, this::applyCredentialEvent);
	}

	CompletionStage<Void> applyCredentialEvent(Inbound<CredentialEvent> inbound) {
		switch (inbound.payload()) {
			case CredentialRequestDecided decided -> credentials.decided(decided);
			case CredentialRevoked revoked -> credentials.revoked(revoked);
			default -> {
				// approval requests and usage reports are for the console and the audit log
			}
		}
		return CompletableFuture.completedFuture(null);
	}
}
