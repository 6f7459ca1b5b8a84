package io.colony.credentials.signature;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * How agents' signed messages are checked.
 *
 * @param registryUrl the registry, asked for an agent's public keys ({@code GET /api/v1/registry/agents/{id}})
 * @param registryTimeout how long one such question may take before the message is answered {@code 503}
 * @param agentKeyCacheTtl how long the registry's answer about an agent is reused; a revocation reaches this service
 * at once through {@code AgentKeyRevoked}, and at the latest after this long when that event is missed
 * @param signatureMaxSkew how far a message's {@code signedAt} may be from this service's clock, either way; a
 * nonce is remembered that long after its {@code signedAt}, since an older message is refused as stale anyway
 * @param noncePurgeInterval how often forgotten nonces are deleted
 */
@ConfigurationProperties("colony.credentials")
public record SignatureProperties(URI registryUrl, Duration registryTimeout, Duration agentKeyCacheTtl,
		Duration signatureMaxSkew, Duration noncePurgeInterval) {

	public SignatureProperties {
		registryUrl = registryUrl == null ? URI.create("http://127.0.0.1:8081") : registryUrl;
		registryTimeout = registryTimeout == null ? Duration.ofSeconds(2) : registryTimeout;
		agentKeyCacheTtl = agentKeyCacheTtl == null ? Duration.ofSeconds(10) : agentKeyCacheTtl;
		signatureMaxSkew = signatureMaxSkew == null ? Duration.ofSeconds(60) : signatureMaxSkew;
		noncePurgeInterval = noncePurgeInterval == null ? Duration.ofMinutes(1) : noncePurgeInterval;
		if (!"http".equals(registryUrl.getScheme()) && !"https".equals(registryUrl.getScheme())) {
			throw new IllegalArgumentException("colony.credentials.registry-url must be an http(s) URL, was " + registryUrl);
		}
		requirePositive("registry-timeout", registryTimeout);
		requirePositive("signature-max-skew", signatureMaxSkew);
		requirePositive("nonce-purge-interval", noncePurgeInterval);
		if (agentKeyCacheTtl.isNegative()) {
			throw new IllegalArgumentException("colony.credentials.agent-key-cache-ttl must not be negative");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("colony.credentials." + name + " must be positive, was " + value);
		}
	}
}
