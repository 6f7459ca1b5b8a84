package io.colony.gateway.security.issuer;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The local token issuer (local runs and tests only; production sets {@code enabled=false} and points the
 * resource server at its real issuer).
 *
 * @param enabled whether the gateway mints and accepts its own tokens (default {@code true})
 * @param keyFile where the RSA signing key lives (JWK JSON, or a PKCS#8 PEM private key); created when
 * missing so that tokens survive restarts. Without it a fresh key is generated at every start.
 * @param issuer the {@code iss} of minted tokens, and the only issuer accepted while enabled
 * @param clients client id to its credentials; default one client {@code colony-cli} / {@code colony-local-secret}
 * that may ask for {@link #ALL_SCOPES} and gets {@link #DEFAULT_SCOPES} when it names none
 * @param defaultTtl token lifetime when the request names none
 * @param maxTtl the longest lifetime a request may ask for
 */
@ConfigurationProperties("colony.gateway.local-issuer")
public record LocalIssuerProperties(Boolean enabled, Path keyFile, String issuer, Map<String, Client> clients,
		Duration defaultTtl, Duration maxTtl) {

	/**
	 * What a token holds when its request names no scope: what scripts and the CLI need to run jobs, talk to the
	 * tenant's resident agents and read the registry. The operators' scopes must be asked for by name: not {@code registry:write}, which revokes and
	 * rotates the keys of agents that serve every tenant; not {@code credentials:approve}, which lets its holder
	 * give agents write access to outside resources, a person's decision; not {@code deadletters:manage}, which
	 * re-sends or drops messages the mesh gave up on. So a token handed to automation for jobs
	 * can neither disturb the fleet nor approve what those jobs' agents ask for.
	 */
	public static final List<String> DEFAULT_SCOPES = List.of("jobs:read", "jobs:write", "registry:read",
			"agents:read", "agents:write");

	/** Every scope the mesh checks; what a client may ask for unless configured otherwise. */
	public static final List<String> ALL_SCOPES = List.of("jobs:read", "jobs:write", "registry:read", "registry:write",
			"credentials:approve", "fleet:read", "deadletters:manage", "agents:read", "agents:write");

	public static final String DEFAULT_TENANT = "demo";

	public LocalIssuerProperties {
		enabled = enabled == null || enabled;
		issuer = issuer == null || issuer.isBlank() ? "http://127.0.0.1:8080/local-issuer" : issuer;
		clients = clients == null || clients.isEmpty() ? Map.of("colony-cli", new Client("colony-local-secret", null, null))
				: Map.copyOf(clients);
		defaultTtl = defaultTtl == null ? Duration.ofHours(1) : defaultTtl;
		maxTtl = maxTtl == null ? Duration.ofHours(24) : maxTtl;
		clients.forEach((id, client) -> {
			if (client == null || client.secret() == null || client.secret().isBlank()) {
				throw new IllegalArgumentException("colony.gateway.local-issuer.clients." + id + ".secret must be set");
			}
		});
		if (defaultTtl.isNegative() || defaultTtl.isZero() || defaultTtl.compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("colony.gateway.local-issuer.default-ttl must be positive and at most max-ttl");
		}
	}

	/**
	 * @param secret the client secret (HTTP Basic password)
	 * @param scopes scopes the client may ask for; default {@link #ALL_SCOPES}
	 * @param defaultScopes what its tokens hold when the request names no scope; default those of
	 * {@link #DEFAULT_SCOPES} it may ask for. Must be among {@code scopes}.
	 */
	public record Client(String secret, List<String> scopes, List<String> defaultScopes) {

		public Client {
			scopes = scopes == null || scopes.isEmpty() ? ALL_SCOPES : List.copyOf(scopes);
			List<String> allowed = scopes;
			defaultScopes = defaultScopes == null || defaultScopes.isEmpty()
					? DEFAULT_SCOPES.stream().filter(allowed::contains).toList() : List.copyOf(defaultScopes);
			List<String> notAllowed = defaultScopes.stream().filter(scope -> !allowed.contains(scope)).toList();
			if (!notAllowed.isEmpty()) {
				throw new IllegalArgumentException("default scopes " + notAllowed + " are not among the client's scopes "
						+ allowed);
			}
		}
	}
}
