package io.colony.gateway.upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * Where the gateway sends queries (never commands: those go over RabbitMQ).
 *
 * @param orchestratorUrl base URL of the orchestrator's internal API (job views)
 * @param aggregatorUrl base URL of the aggregator's internal API (results)
 * @param registryUrl base URL of the registry (live agents)
 * @param credentialsUrl base URL of the credential service (its operator API)
 * @param residentsUrl base URL of the resident service's internal API (resident agents)
 * @param queryTimeout how long to wait for an upstream's response headers
 */
@ConfigurationProperties("colony.gateway")
public record UpstreamProperties(URI orchestratorUrl, URI aggregatorUrl, URI registryUrl, URI credentialsUrl,
		URI residentsUrl, Duration queryTimeout) {

	public UpstreamProperties {
		orchestratorUrl = orchestratorUrl == null ? URI.create("http://127.0.0.1:8082") : orchestratorUrl;
		aggregatorUrl = aggregatorUrl == null ? URI.create("http://127.0.0.1:8083") : aggregatorUrl;
		registryUrl = registryUrl == null ? URI.create("http://127.0.0.1:8081") : registryUrl;
		credentialsUrl = credentialsUrl == null ? URI.create("http://127.0.0.1:8084") : credentialsUrl;
		residentsUrl = residentsUrl == null ? URI.create("http://127.0.0.1:8085") : residentsUrl;
		queryTimeout = queryTimeout == null ? Duration.ofSeconds(10) : queryTimeout;
	}
}
