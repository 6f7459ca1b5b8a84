package io.colony.worker.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * Where the agent catalog is, and which of its agent types this worker serves.
 *
 * @param location a Spring resource location: {@code classpath:colony/agents.yml} (shipped) by default,
 * {@code file:/etc/colony/agents.yml} to replace it per deployment
 * @param serve the agent types this worker serves; empty for all of them
 */
@ConfigurationProperties("colony.worker.catalog")
public record CatalogProperties(String location, List<String> serve) {

	public static final String SHIPPED = "classpath:colony/agents.yml";

	public CatalogProperties {
		location = location == null || location.isBlank() ? SHIPPED : location.strip();
		serve = serve == null ? List.of() : serve.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
	}
}
