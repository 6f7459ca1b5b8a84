package io.colony.worker.credentials;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.completion.CompletionListener;
import io.colony.worker.identity.WorkerKeys;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.core.Declarables;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * The worker's side of the credential broker: the client of the credential service's agent API, the held
 * credentials, and the private queue of decisions and revocations (non-durable, exclusive, auto-deleted; a bean so
 * that the admin declares it again whenever the connection is re-established).
 */
@Configuration(proxyBeanMethods = false)
class CredentialsConfiguration {

	/**
	 * Signs with the key results are signed with, once a heartbeat has announced it to the registry (a cancelled
	 * wait leaves that shared future alone).
	 */
	@Bean
	CredentialBroker credentialBroker(CredentialsProperties properties, WorkerIdentity identity, WorkerKeys keys,
			ObjectProvider<WebClient.Builder> webClients) {
		WebClient client = webClients.getIfAvailable(WebClient::builder).clone().baseUrl(properties.url().toString()).build();
		CredentialBroker.Signer signer = payload -> Mono.fromFuture(keys::firstAnnouncement, true)
			.then(Mono.fromSupplier(() -> keys.signatureOf(payload)));
		return new CredentialBroker(client, identity.agentId(), signer, Clock.systemUTC(), properties.requestTimeout());
	}

	@Bean
	CredentialUseReports credentialUseReports(MessagePublisher publisher, ColonyConsumers consumers) {
		return new CredentialUseReports(publisher, consumers);
	}

	@Bean
	Credentials credentials(CredentialBroker broker, CredentialsProperties properties, WorkerIdentity identity,
			CredentialUseReports reports, MeterRegistry meters) {
		Credentials credentials = new Credentials(broker, properties, identity.agentId(), reports::report,
				Clock.systemUTC());
		Gauge.builder("colony.worker.credentials.waiting", credentials, Credentials::waitingCount)
			.description("credential requests under way, most of them waiting for a person's decision")
			.register(meters);
		Gauge.builder("colony.worker.credentials.held", credentials, Credentials::heldCount)
			.description("credentials held, one per task, resource and scope")
			.register(meters);
		FunctionCounter.builder("colony.worker.credentials.revocations", credentials, Credentials::revocationsReceived)
			.description("lease revocations this worker has heard of (any agent's): how far revocation has reached")
			.register(meters);
		return credentials;
	}

	@Bean
	Declarables workerCredentialEventsQueue() {
		return ColonyTopology.privateQueue("agent-worker.credential-events.",
				new ColonyTopology.Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_DECIDED),
				new ColonyTopology.Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_REVOKED));
	}

	@Bean
	CredentialEventsListener credentialEventsListener(ColonyConsumers consumers,
			Declarables workerCredentialEventsQueue, Credentials credentials) {
		return new CredentialEventsListener(consumers, workerCredentialEventsQueue, credentials);
	}

	/** A job's credentials go when it ends, not only when their leases run out. */
	@Bean
	CompletionListener forgetCredentialsOfCompletedJobs(Credentials credentials) {
		return completed -> credentials.jobEnded(completed.jobId());
	}
}
