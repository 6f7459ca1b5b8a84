package io.colony.registry.agents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * Where the Consul backend ({@code colony.registry.backend=consul}) finds Consul and how it uses it.
 *
 * @param url the local Consul agent's HTTP API (services register with the agent they talk to)
 * @param token an ACL token sent as {@code X-Consul-Token}; blank for none. Needs {@code service:write} on
 * {@link #serviceName}, {@code key:write} on {@code colony/agents/} and {@code service:read}.
 * @param serviceName the Consul service every agent instance is registered as (one service ID per agent id)
 * @param blockingWait how long one blocking query waits for a change before Consul answers anyway
 * @param deregisterCriticalAfter how long Consul keeps an agent whose check went critical before removing it
 * (Consul's own minimum is one minute); it is not listed in the meantime
 * @param requestTimeout the longest one non-blocking request may take
 */
@ConfigurationProperties("colony.registry.consul")
record ConsulProperties(@DefaultValue("http://127.0.0.1:8500") URI url, String token,
		@DefaultValue("colony-agent") String serviceName, @DefaultValue("PT1M") Duration blockingWait,
		@DefaultValue("PT1M") Duration deregisterCriticalAfter, @DefaultValue("PT10S") Duration requestTimeout) {

	ConsulProperties {
		if (url == null || url.getScheme() == null || url.getHost() == null) {
			throw new IllegalArgumentException("colony.registry.consul.url must be an absolute http(s) URL, was " + url);
		}
		token = token == null || token.isBlank() ? null : token;
		if (serviceName == null || !serviceName.matches("[a-z0-9][a-z0-9-]{0,62}")) {
			throw new IllegalArgumentException("colony.registry.consul.service-name must be lower-case letters, digits"
					+ " and dashes, was " + serviceName);
		}
		if (blockingWait.compareTo(Duration.ofSeconds(1)) < 0 || blockingWait.compareTo(Duration.ofMinutes(10)) > 0) {
			throw new IllegalArgumentException(
					"colony.registry.consul.blocking-wait must be between PT1S and PT10M (Consul's limit), was "
							+ blockingWait);
		}
		if (deregisterCriticalAfter.isNegative() || deregisterCriticalAfter.isZero()) {
			throw new IllegalArgumentException(
					"colony.registry.consul.deregister-critical-after must be positive, was " + deregisterCriticalAfter);
		}
		if (requestTimeout.isNegative() || requestTimeout.isZero()) {
			throw new IllegalArgumentException(
					"colony.registry.consul.request-timeout must be positive, was " + requestTimeout);
		}
	}

	/** {@code url} without a trailing slash, so that API paths can be appended. */
	String base() {
		String text = url.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}
}
