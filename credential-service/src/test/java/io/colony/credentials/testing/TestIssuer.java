package io.colony.credentials.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * The operators' token issuer, in test code: a JWK set over HTTP (as the gateway's local issuer serves
 * {@code /oauth2/jwks}) and RS256 tokens with {@code scope} and {@code tenant} claims signed by its key. Tokens are
 * dated by the real clock: the resource server checks them against it.
 */
public final class TestIssuer implements AutoCloseable {

	private final RSAKey key;

	private final HttpServer server;

	private TestIssuer(RSAKey key, HttpServer server) {
		this.key = key;
		this.server = server;
	}

	public static TestIssuer start() {
		try {
			RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
			byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/oauth2/jwks", exchange -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, jwks.length);
				try (OutputStream body = exchange.getResponseBody()) {
					body.write(jwks);
				}
			});
			server.start();
			return new TestIssuer(key, server);
		}
		catch (JOSEException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String jwksUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/jwks";
	}

	/** {@code Authorization} header value of an operator token of {@code tenant} with {@code scope}. */
	public String bearer(String tenant, String scope) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("operator-of-" + tenant)
			.claim("scope", scope)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
		if (tenant != null) {
			claims.claim("tenant", tenant);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
				claims.build());
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return "Bearer " + jwt.serialize();
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
