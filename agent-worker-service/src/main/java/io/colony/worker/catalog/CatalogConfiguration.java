package io.colony.worker.catalog;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.io.InputStream;

@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

	@Bean
	AgentCatalog agentCatalog(CatalogProperties properties, ResourceLoader resources) {
		Resource resource = resources.getResource(properties.location());
		if (!resource.exists()) {
			throw new CatalogException("agent catalog not found at colony.worker.catalog.location=" + properties.location());
		}
		try (InputStream yaml = resource.getInputStream()) {
			return AgentCatalog.parse(yaml, properties.location());
		}
		catch (IOException unreadable) {
			throw new CatalogException("agent catalog at " + properties.location() + " cannot be read", unreadable);
		}
	}

	@Bean
	ServedAgentTypes servedAgentTypes(AgentCatalog catalog, CatalogProperties properties) {
		return new ServedAgentTypes(catalog, properties.serve());
	}
}
