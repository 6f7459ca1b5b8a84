package io.colony.benchmarks.github;

import com.sun.net.httpserver.HttpServer;
import io.colony.platform.testing.github.GitHubStandIn;
import io.colony.platform.testing.github.GitHubStandIn.Access;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-in's token check against a JWKS served as the credential service serves its own
 * ({@code {"keys":[{"kty":"RSA","kid","n","e"}]}}), with RS256 tokens shaped like the ones it mints.
 */
class JwksTokenCheckTests {

	final KeyPair key = rsa();

	final KeyPair other = rsa();

	final HttpServer jwks = serve(key);

	@AfterEach
	void stop() {
		jwks.stop(0);
	}

	@Test
	void acceptsTheServicesTokensForTheirScopeOnly() throws Exception {
		GitHubStandIn.TokenCheck check = GitHubStandIn.jwks("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
		long exp = Instant.now().plusSeconds(300).getEpochSecond();
		String reader = token(key, "k1", "\"github\"", "github:read", exp);
		assertThat(check.check(reader, "github:read")).isEqualTo(Access.GRANTED);
		assertThat(check.check(reader, "github:review")).isEqualTo(Access.FORBIDDEN);
		assertThat(check.check(token(key, "k1", "[\"github\"]", "github:read github:review", exp), "github:review"))
			.isEqualTo(Access.GRANTED);
		assertThat(check.check(token(key, "k1", "\"inventory\"", "github:read", exp), "github:read"))
			.as("another audience").isEqualTo(Access.BAD_CREDENTIALS);
		assertThat(check.check(token(key, "k1", "\"github\"", "github:read", Instant.now().minusSeconds(1)
			.getEpochSecond()), "github:read")).as("expired").isEqualTo(Access.BAD_CREDENTIALS);
		assertThat(check.check(token(other, "k1", "\"github\"", "github:read", exp), "github:read"))
			.as("signed by another key").isEqualTo(Access.BAD_CREDENTIALS);
		assertThat(check.check(token(key, "unknown", "\"github\"", "github:read", exp), "github:read"))
			.isEqualTo(Access.BAD_CREDENTIALS);
		assertThat(check.check("not-a-jwt", "github:read")).isEqualTo(Access.BAD_CREDENTIALS);
	}

	private static String token(KeyPair key, String kid, String aud, String scope, long exp) throws Exception {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String header = base64.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}")
			.getBytes(StandardCharsets.UTF_8));
		String claims = base64.encodeToString(("{\"sub\":\"worker-1\",\"aud\":" + aud + ",\"scope\":\"" + scope
				+ "\",\"exp\":" + exp + ",\"tenant\":\"acme\"}").getBytes(StandardCharsets.UTF_8));
		Signature signer = Signature.getInstance("SHA256withRSA");
		signer.initSign(key.getPrivate());
		signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
		return header + "." + claims + "." + base64.encodeToString(signer.sign());
	}

	private static HttpServer serve(KeyPair key) {
		try {
			RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
			String body = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
					+ unsigned(publicKey.getModulus()) + "\",\"e\":\"" + unsigned(publicKey.getPublicExponent()) + "\"}]}";
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.setExecutor(Executors.newFixedThreadPool(2));
			server.createContext("/jwks", exchange -> {
				byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, bytes.length);
				exchange.getResponseBody().write(bytes);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String unsigned(BigInteger value) {
		byte[] bytes = value.toByteArray();
		if (bytes[0] == 0) {
			bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
		}
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}
}
