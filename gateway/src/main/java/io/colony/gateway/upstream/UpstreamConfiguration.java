package io.colony.gateway.upstream;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import java.net.URI;

/** One {@link Upstream} bean per queried service; requests are observed so traces continue downstream. */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

	@Bean
	Upstream orchestratorUpstream(UpstreamProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return upstream("orchestrator", properties.orchestratorUrl(), properties, observations);
	}

	@Bean
	Upstream aggregatorUpstream(UpstreamProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return upstream("aggregator", properties.aggregatorUrl(), properties, observations);
	}

	@Bean
	Upstream registryUpstream(UpstreamProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return upstream("registry", properties.registryUrl(), properties, observations);
	}

	@Bean
	Upstream credentialsUpstream(UpstreamProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return upstream("credential service", properties.credentialsUrl(), properties, observations);
	}

	@Bean
	Upstream residentsUpstream(UpstreamProperties properties, ObjectProvider<ObservationRegistry> observations) {
		return upstream("resident service", properties.residentsUrl(), properties, observations);
	}

	private static Upstream upstream(String name, URI baseUrl, UpstreamProperties properties,
			ObjectProvider<ObservationRegistry> observations) {
		HttpClient http = HttpClient.create().responseTimeout(properties.queryTimeout());
		WebClient client = WebClient.builder()
			.baseUrl(baseUrl.toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
			.build();
		return new Upstream(name, client);
	}
}
