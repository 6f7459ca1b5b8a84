package io.colony.residents.agent;

import io.colony.residents.ResidentProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

@Configuration(proxyBeanMethods = false)
class ResidentTypesConfiguration {

	@Bean
	ResidentTypes residentTypes(ResidentProperties properties, ResourceLoader resources) {
		return ResidentTypes.load(resources.getResource(properties.typesLocation()));
	}
}
