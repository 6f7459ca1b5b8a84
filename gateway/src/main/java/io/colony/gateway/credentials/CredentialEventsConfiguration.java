package io.colony.gateway.credentials;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyTopology;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The instance's private queue for what operators watch: requests waiting for a person, decisions and
 * revocations. Not {@code credential.used}, which only the credential service consumes. As a bean it is
 * re-declared whenever the connection is re-established, so the consumer survives broker restarts.
 */
@Configuration(proxyBeanMethods = false)
class CredentialEventsConfiguration {

	@Bean
	Declarables gatewayCredentialEventsQueue() {
		return ColonyTopology.privateQueue("gateway.credentials.",
				new ColonyTopology.Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_APPROVAL_REQUESTED),
				new ColonyTopology.Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_DECIDED),
				new ColonyTopology.Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_REVOKED));
	}
}
