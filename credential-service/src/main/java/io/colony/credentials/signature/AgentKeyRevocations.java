package io.colony.credentials.signature;

import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.Destinations;
import io.colony.contracts.RegistryEvent;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears the registry's {@code AgentKeyRevoked} on a queue private to this instance and forgets the agent's cached
 * keys, so that a revoked key is refused at once rather than after {@code agent-key-cache-ttl}. An event missed
 * while the instance was down costs nothing: the cache starts empty.
 */
@Configuration(proxyBeanMethods = false)
class AgentKeyRevocations {

	private static final Logger log = LoggerFactory.getLogger(AgentKeyRevocations.class);

	/** A bean, so that the admin declares the queue again whenever the connection is re-established. */
	@Bean
	Declarables credentialsAgentKeyRevocationsQueue() {
		return ColonyTopology.privateQueue("credentials.agent-keys.",
				new ColonyTopology.Route(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED));
	}

	@Bean
	SmartInitializingSingleton forgetRevokedAgentKeys(ColonyConsumers consumers,
			Declarables credentialsAgentKeyRevocationsQueue, AgentKeyDirectory directory) {
		return () -> consumers.consumePrivate(credentialsAgentKeyRevocationsQueue, RegistryEvent.class,
				inbound -> forgetRevokedKey(inbound, directory));
	}

	private static CompletionStage<Void> forgetRevokedKey(Inbound<RegistryEvent> inbound, AgentKeyDirectory directory) {
		if (inbound.payload() instanceof AgentKeyRevoked revoked && revoked.agentId() != null) {
			log.info("key {} of agent {} revoked: its cached keys are dropped", revoked.keyId(), revoked.agentId());
			directory.forget(revoked.agentId());
		}
		return CompletableFuture.completedFuture(null);
	}
}
