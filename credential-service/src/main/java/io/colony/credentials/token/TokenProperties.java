package io.colony.credentials.token;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * How issued tokens are signed.
 *
 * @param keyFile the RSA signing key: a JWK with its private part (as this service writes it) or a PKCS#8 PEM
 *     ({@code openssl genpkey -algorithm RSA}); created when missing. Unset: a new key per process, so tokens
 *     issued before a restart no longer verify (which the short ttl makes tolerable), and several instances each
 *     sign with their own key (resources must then fetch the JWK set of each)
 * @param issuer the tokens' {@code iss}
 */
@ConfigurationProperties("colony.credentials.token")
public record TokenProperties(Path keyFile, String issuer) {

	public TokenProperties {
		// an empty setting (COLONY_CREDENTIALS_KEY_FILE unset) means no file
		keyFile = keyFile == null || keyFile.toString().isBlank() ? null : keyFile;
		issuer = issuer == null || issuer.isBlank() ? "colony-credentials" : issuer;
	}
}
