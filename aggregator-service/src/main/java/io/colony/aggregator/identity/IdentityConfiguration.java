package io.colony.aggregator.identity;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessageCodec;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.core.Declarables;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * Result verification. The private registry-events queue is non-durable, exclusive and auto-deleted; it and its
 * bindings are a bean so that the admin declares them again whenever the connection is re-established. Neither
 * exists when {@code colony.aggregator.verify-signatures} is off.
 */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

	@Bean
	AgentKeyring agentKeyring(IdentityProperties properties, MessageCodec codec) {
		return new AgentKeyring(new RegistryClient(properties.registryUrl(), properties.registryTimeout(), codec),
				properties.registryTimeout(), properties.keyCacheTtl(), properties.unknownKeyTtl(), Clock.systemUTC());
	}

	@Bean
	ResultVerifier resultVerifier(IdentityProperties properties, AgentKeyring keyring, MeterRegistry meters) {
		return new ResultVerifier(properties.verifySignatures(), keyring, meters);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "colony.aggregator.verify-signatures", matchIfMissing = true)
	Declarables aggregatorRegistryEventsQueue() {
		return ColonyTopology.privateQueue("aggregator.agent-keys.",
				new ColonyTopology.Route(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT),
				new ColonyTopology.Route(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED));
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "colony.aggregator.verify-signatures", matchIfMissing = true)
	RegistryEventsListener registryEventsListener(ColonyConsumers consumers, Declarables aggregatorRegistryEventsQueue,
			AgentKeyring keyring) {
		return new RegistryEventsListener(consumers, aggregatorRegistryEventsQueue, keyring);
	}
}
