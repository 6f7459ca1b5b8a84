package io.colony.gateway.fleet;

import io.colony.gateway.upstream.UpstreamProperties;
import io.colony.platform.messaging.MessageCodec;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import java.time.Clock;
import java.time.Duration;

/**
 * The fleet view's sources. They get a client of their own rather than the upstream query clients: a shorter
 * timeout (a snapshot must come back while the console's two-second refresh is still current) and a larger limit
 * on what is read (the broker's queue list and the orchestrator's metrics grow with the mesh).
 */
@Configuration(proxyBeanMethods = false)
class FleetConfiguration {

	@Bean
	FleetSnapshots fleetSnapshots(FleetProperties fleet, UpstreamProperties upstreams, RabbitProperties rabbit,
			MessageCodec codec, ObjectProvider<ObservationRegistry> observations) {
		int maxBytes = (int) fleet.maxResponseSize().toBytes();
		WebClient client = WebClient.builder()
			// a backstop that frees the connection; the snapshot's own timeout per source ends the wait first
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create().responseTimeout(fleet.timeout().plus(Duration.ofSeconds(1)))))
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(maxBytes))
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
			.build();
		return new FleetSnapshots(
				new BrokerQueues(client, fleet.rabbitmqManagementUrl(), rabbit.determineVirtualHost(),
						rabbit.determineUsername(), rabbit.determinePassword(), codec),
				new RegistryWorkers(client, upstreams.registryUrl(), codec),
				new JobCounts(client, upstreams.orchestratorUrl()),
				new PendingApprovals(client, upstreams.credentialsUrl(), codec), fleet.timeout(), Clock.systemUTC());
	}
}
