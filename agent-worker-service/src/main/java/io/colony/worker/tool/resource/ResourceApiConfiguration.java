package io.colony.worker.tool.resource;

import io.colony.worker.credentials.Credentials;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code resource_api} is always offered, with or without resources configured, so that a catalog naming it (the
 * shipped {@code operator}) starts everywhere; without resources every call is refused with a message saying so.
 */
@Configuration(proxyBeanMethods = false)
class ResourceApiConfiguration {

	@Bean
	ResourceApiTool resourceApiTool(ResourcesProperties properties, Credentials credentials,
			ObjectProvider<WebClient.Builder> webClients) {
		return new ResourceApiTool(properties, credentials, webClients.getIfAvailable(WebClient::builder));
	}
}
