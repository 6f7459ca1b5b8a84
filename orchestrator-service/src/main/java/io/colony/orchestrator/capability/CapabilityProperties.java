package io.colony.orchestrator.capability;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * How the orchestrator finds the capability (and so the queue) that serves an agent type.
 *
 * @param registryUrl base URL of the registry service
 * @param registryTimeout how long one registry query may take before the orchestrator stops waiting and
 * falls back to capability = agent type
 * @param capabilityCacheTtl how long a positive registry answer is reused
 */
@ConfigurationProperties("colony.orchestrator")
record CapabilityProperties(URI registryUrl, Duration registryTimeout, Duration capabilityCacheTtl) {

	CapabilityProperties {
		registryUrl = registryUrl == null ? URI.create("http://127.0.0.1:8081") : registryUrl;
		registryTimeout = registryTimeout == null ? Duration.ofSeconds(1) : registryTimeout;
		capabilityCacheTtl = capabilityCacheTtl == null ? Duration.ofSeconds(5) : capabilityCacheTtl;
	}
}
