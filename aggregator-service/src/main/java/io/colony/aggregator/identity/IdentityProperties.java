package io.colony.aggregator.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * @param verifySignatures whether results must carry a valid signature of their agent to be recorded
 * @param registryUrl the registry's internal API, asked for an agent's keys the first time one of its results
 * names a key this instance has not heard of
 * @param registryTimeout how long one such question may take; a result waiting on it is redelivered after that
 * @param keyCacheTtl how long the keys the registry served are trusted before they are asked for again
 * @param unknownKeyTtl how long a key the registry did not know stays unknown without asking again, so that
 * results naming made-up keys cannot flood the registry
 */
@ConfigurationProperties("colony.aggregator")
record IdentityProperties(Boolean verifySignatures, URI registryUrl, Duration registryTimeout, Duration keyCacheTtl,
		Duration unknownKeyTtl) {

	IdentityProperties {
		verifySignatures = verifySignatures == null ? Boolean.TRUE : verifySignatures;
		registryUrl = registryUrl == null ? URI.create("http://127.0.0.1:8081") : registryUrl;
		registryTimeout = registryTimeout == null ? Duration.ofSeconds(5) : registryTimeout;
		keyCacheTtl = keyCacheTtl == null ? Duration.ofMinutes(10) : keyCacheTtl;
		unknownKeyTtl = unknownKeyTtl == null ? Duration.ofSeconds(10) : unknownKeyTtl;
		if (!"http".equals(registryUrl.getScheme()) && !"https".equals(registryUrl.getScheme())) {
			throw new IllegalArgumentException(
					"colony.aggregator.registry-url must be an http(s) URL, was " + registryUrl);
		}
		if (registryTimeout.isNegative() || registryTimeout.isZero()) {
			throw new IllegalArgumentException("colony.aggregator.registry-timeout must be positive");
		}
		if (keyCacheTtl.isNegative() || keyCacheTtl.isZero()) {
			throw new IllegalArgumentException("colony.aggregator.key-cache-ttl must be positive");
		}
		if (unknownKeyTtl.isNegative()) {
			throw new IllegalArgumentException("colony.aggregator.unknown-key-ttl must not be negative");
		}
	}
}
