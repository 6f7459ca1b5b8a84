package io.colony.benchmarks.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A resource server an agent's {@code resource_api} tool calls with the credential the broker issued: it accepts a
 * request only with a bearer JWT signed by the credential service (its JWKS), for this audience, not expired, whose
 * {@code scope} holds {@code <audience>:read} for GET and {@code <audience>:write} otherwise, the way a real API
 * checks an OAuth2 access token. It records every accepted call with the token it carried, so that a test can
 * look for those values where they must not be. {@code GET /hold} waits until {@link #release()}.
 */
final class ProtectedResource implements AutoCloseable {

	record Call(String method, String path, String body, String token, List<String> scope, String subject) {
	}

	private final String audience;

	private final URI jwks;

	private final HttpServer server;

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Call> accepted = new CopyOnWriteArrayList<>();

	private final List<String> refusals = new CopyOnWriteArrayList<>();

	private final Set<String> tokens = ConcurrentHashMap.newKeySet();

	private volatile CountDownLatch hold = new CountDownLatch(1);

	private final CountDownLatch holding = new CountDownLatch(1);

	ProtectedResource(String audience, URI jwks) throws IOException {
		this.audience = audience;
		this.jwks = jwks;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", this::handle);
		server.start();
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
	}

	List<Call> accepted() {
		return List.copyOf(accepted);
	}

	List<String> refusals() {
		return List.copyOf(refusals);
	}

	/** Every token value presented to this server, accepted or not. */
	Set<String> tokensSeen() {
		return Set.copyOf(tokens);
	}

	/** Waits until a {@code GET /hold} arrived. */
	boolean awaitHolding(Duration timeout) throws InterruptedException {
		return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	void release() {
		hold.countDown();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			if (authorization == null || !authorization.startsWith("Bearer ")) {
				refuse(exchange, 401, "no bearer token");
				return;
			}
			String token = authorization.substring("Bearer ".length());
			tokens.add(token);
			JsonNode claims;
			try {
				claims = verify(token);
			}
			catch (GeneralSecurityException | RuntimeException ex) {
				refuse(exchange, 401, "invalid token: " + ex.getMessage());
				return;
			}
			List<String> scope = List.of(claims.path("scope").asString("").split(" "));
			String method = exchange.getRequestMethod();
			String needed = audience + (method.equals("GET") || method.equals("HEAD") ? ":read" : ":write");
			if (!scope.contains(needed)) {
				refuse(exchange, 403, "scope " + needed + " missing");
				return;
			}
			String path = exchange.getRequestURI().getPath();
			accepted.add(new Call(method, path, body, token, scope, claims.path("sub").asString("")));
			if (path.equals("/hold")) {
				holding.countDown();
				hold.await(2, TimeUnit.MINUTES);
			}
			byte[] answer = ("{\"accepted\":\"" + method + " " + path + "\"}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(method.equals("POST") ? 201 : 200, answer.length);
			exchange.getResponseBody().write(answer);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void refuse(HttpExchange exchange, int status, String why) throws IOException {
		refusals.add(status + " " + why);
		byte[] answer = ("{\"error\":\"" + why.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, answer.length);
		exchange.getResponseBody().write(answer);
	}

	/** RS256 signature against the credential service's JWKS, audience and expiry, as a resource server checks them. */
	private JsonNode verify(String token) throws GeneralSecurityException {
		String[] parts = token.split("\\.");
		if (parts.length != 3) {
			throw new GeneralSecurityException("not a JWS");
		}
		JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
		if (!"RS256".equals(header.path("alg").asString())) {
			throw new GeneralSecurityException("alg " + header.path("alg"));
		}
		Signature rsa = Signature.getInstance("SHA256withRSA");
		rsa.initVerify(key(header.path("kid").asString(null)));
		rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
		if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
			throw new GeneralSecurityException("signature does not verify");
		}
		JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
		JsonNode aud = claims.path("aud");
		boolean forUs = aud.isArray() ? aud.valueStream().anyMatch(value -> audience.equals(value.asString()))
				: audience.equals(aud.asString());
		if (!forUs) {
			throw new GeneralSecurityException("audience " + aud);
		}
		if (!Instant.now().isBefore(Instant.ofEpochSecond(claims.path("exp").asLong()))) {
			throw new GeneralSecurityException("expired");
		}
		return claims;
	}

	private PublicKey key(String kid) throws GeneralSecurityException {
		JsonNode keys;
		try {
			HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(jwks).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			keys = json.readTree(response.body()).path("keys");
		}
		catch (IOException ex) {
			throw new GeneralSecurityException("JWKS unreachable: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new GeneralSecurityException("interrupted");
		}
		for (JsonNode key : keys) {
			if ("RSA".equals(key.path("kty").asString()) && (kid == null || kid.equals(key.path("kid").asString()))) {
				BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asString()));
				BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asString()));
				return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
			}
		}
		throw new GeneralSecurityException("no RSA key " + kid + " in " + jwks);
	}

	@Override
	public void close() {
		release();
		server.stop(0);
	}
}
