package io.colony.platform.testing.github;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an RS256 JWT as a resource server of the credential service would: its signature against the service's
 * JWKS (fetched again for an unknown {@code kid}, so rotated keys are found), {@code aud}, {@code exp}, and the
 * space-separated {@code scope}. JDK only, so the stand-in needs no JOSE library.
 */
final class JwksTokenCheck implements GitHubStandIn.TokenCheck {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String jwksUrl;

	private final String audience;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();

	JwksTokenCheck(String jwksUrl, String audience) {
		this.jwksUrl = jwksUrl;
		this.audience = audience;
	}

	@Override
	public GitHubStandIn.Access check(String token, String scope) {
		try {
			String[] parts = token.split("\\.");
			if (parts.length != 3) {
				return GitHubStandIn.Access.BAD_CREDENTIALS;
			}
			Base64.Decoder base64 = Base64.getUrlDecoder();
			JsonNode header = JSON.readTree(base64.decode(parts[0]));
			JsonNode claims = JSON.readTree(base64.decode(parts[1]));
			if (!"RS256".equals(header.path("alg").asString(""))) {
				return GitHubStandIn.Access.BAD_CREDENTIALS;
			}
			PublicKey key = key(header.path("kid").asString(""));
			if (key == null) {
				return GitHubStandIn.Access.BAD_CREDENTIALS;
			}
			Signature verifier = Signature.getInstance("SHA256withRSA");
			verifier.initVerify(key);
			verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
			if (!verifier.verify(base64.decode(parts[2]))) {
				return GitHubStandIn.Access.BAD_CREDENTIALS;
			}
			JsonNode aud = claims.path("aud");
			boolean audienceMatches = aud.isArray() ? aud.valueStream().anyMatch(a -> audience.equals(a.asString()))
					: audience.equals(aud.asString(""));
			if (!audienceMatches || !claims.path("exp").isNumber()
					|| Instant.now().getEpochSecond() >= claims.path("exp").asLong()) {
				return GitHubStandIn.Access.BAD_CREDENTIALS;
			}
			for (String granted : claims.path("scope").asString("").split(" ")) {
				if (granted.equals(scope)) {
					return GitHubStandIn.Access.GRANTED;
				}
			}
			return GitHubStandIn.Access.FORBIDDEN;
		}
		catch (RuntimeException | GeneralSecurityException ex) {
			return GitHubStandIn.Access.BAD_CREDENTIALS;
		}
	}

	private PublicKey key(String kid) throws GeneralSecurityException {
		PublicKey known = keys.get(kid);
		if (known != null) {
			return known;
		}
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(jwksUrl))
				.timeout(Duration.ofSeconds(5))
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return null;
			}
			for (JsonNode jwk : JSON.readTree(response.body()).path("keys")) {
				if ("RSA".equals(jwk.path("kty").asString(""))) {
					Base64.Decoder base64 = Base64.getUrlDecoder();
					RSAPublicKeySpec spec = new RSAPublicKeySpec(new BigInteger(1, base64.decode(jwk.path("n").asString())),
							new BigInteger(1, base64.decode(jwk.path("e").asString())));
					keys.put(jwk.path("kid").asString(""), KeyFactory.getInstance("RSA").generatePublic(spec));
				}
			}
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		return keys.get(kid);
	}
}
