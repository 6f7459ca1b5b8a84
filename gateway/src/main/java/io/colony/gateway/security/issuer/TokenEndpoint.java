package io.colony.gateway.security.issuer;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.ResolvableType;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.FormHttpMessageReader;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OAuth 2.0 client-credentials token endpoint of the local issuer ({@code POST /oauth2/token}) and its key set
 * ({@code GET /oauth2/jwks}). Clients authenticate with HTTP Basic (or {@code client_id}/{@code client_secret}
 * form fields); errors are problem documents that also carry the RFC 6749 {@code error} code.
 */
@RestController
@ConditionalOnProperty(name = "colony.gateway.local-issuer.enabled", matchIfMissing = true)
class TokenEndpoint {

	private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

	/** A token request is a handful of short form fields; anything larger is a 413 problem. */
	static final int MAX_FORM_BYTES = 16 * 1024;

	private static final FormHttpMessageReader FORM = formReader();

	private final LocalIssuer issuer;

	private final LocalIssuerProperties properties;

	TokenEndpoint(LocalIssuer issuer, LocalIssuerProperties properties) {
		this.issuer = issuer;
		this.properties = properties;
	}

	record TokenResponse(@JsonProperty("access_token") String accessToken,
			@JsonProperty("token_type") String tokenType, @JsonProperty("expires_in") long expiresIn, String scope) {
	}

	@GetMapping(path = "/oauth2/jwks", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> jwks() {
		return issuer.jwks();
	}

	@PostMapping("/oauth2/token")
	Mono<ResponseEntity<TokenResponse>> token(ServerWebExchange exchange) {
		MediaType contentType;
		try {
			contentType = exchange.getRequest().getHeaders().getContentType();
		}
		catch (InvalidMediaTypeException ex) {
			contentType = null;
		}
		if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(contentType)) {
			return Mono.error(new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"the token request must be application/x-www-form-urlencoded")
				.property("error", "invalid_request"));
		}
		if (exchange.getRequest().getHeaders().getContentLength() > MAX_FORM_BYTES) {
			return Mono.error(tooLarge());
		}
		return FORM.readMono(ResolvableType.forClass(MultiValueMap.class), exchange.getRequest(), Map.of())
			.defaultIfEmpty(new LinkedMultiValueMap<>())
			.map(form -> issue(exchange.getRequest().getHeaders(), form));
	}

	private static FormHttpMessageReader formReader() {
		FormHttpMessageReader reader = new FormHttpMessageReader();
		reader.setMaxInMemorySize(MAX_FORM_BYTES);
		return reader;
	}

	private static ProblemException tooLarge() {
		return Problems.payloadTooLarge("a token request may be at most " + MAX_FORM_BYTES + " bytes")
			.property("error", "invalid_request");
	}

	private ResponseEntity<TokenResponse> issue(HttpHeaders headers, MultiValueMap<String, String> form) {
		for (Map.Entry<String, List<String>> parameter : form.entrySet()) {
			if (parameter.getValue().size() > 1) {
				throw invalid("invalid_request", parameter.getKey(), parameter.getKey() + " must not be repeated");
			}
		}
		String clientId = authenticate(headers, form);
		String grantType = form.getFirst("grant_type");
		if (!"client_credentials".equals(grantType)) {
			throw invalid("unsupported_grant_type", "grant_type",
					"grant_type must be client_credentials, was " + (grantType == null ? "missing" : "'" + grantType + "'"));
		}
		String tenant = valueOr(form.getFirst("tenant"), LocalIssuerProperties.DEFAULT_TENANT);
		if (!TENANT.matcher(tenant).matches()) {
			throw invalid("invalid_request", "tenant",
					"tenant must be 1-200 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
		LocalIssuerProperties.Client client = properties.clients().get(clientId);
		List<String> allowed = client.scopes();
		List<String> scopes = form.getFirst("scope") == null || form.getFirst("scope").isBlank() ? client.defaultScopes()
				: Arrays.stream(form.getFirst("scope").trim().split("\\s+")).distinct().toList();
		if (scopes.isEmpty()) {
			throw invalid("invalid_scope", "scope",
					"client " + clientId + " has no default scopes; name the ones needed, from: " + String.join(" ", allowed));
		}
		List<String> refused = scopes.stream().filter(scope -> !allowed.contains(scope)).toList();
		if (!refused.isEmpty()) {
			throw invalid("invalid_scope", "scope",
					"client " + clientId + " may not ask for " + refused + "; allowed: " + String.join(" ", allowed));
		}
		Duration ttl = ttl(form.getFirst("ttl"));
		LocalIssuer.IssuedToken token = issuer.issue(clientId, TenantId.of(tenant), scopes, ttl);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.header(HttpHeaders.PRAGMA, "no-cache")
			.body(new TokenResponse(token.value(), "Bearer", ttl.toSeconds(), String.join(" ", scopes)));
	}

	private Duration ttl(String text) {
		if (text == null || text.isBlank()) {
			return properties.defaultTtl();
		}
		long max = properties.maxTtl().toSeconds();
		try {
			long seconds = Long.parseLong(text.trim());
			if (seconds >= 1 && seconds <= max) {
				return Duration.ofSeconds(seconds);
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw invalid("invalid_request", "ttl", "ttl must be a whole number of seconds from 1 to " + max);
	}

	/** @return the authenticated client id */
	private String authenticate(HttpHeaders headers, MultiValueMap<String, String> form) {
		String clientId = null;
		String secret = null;
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			try {
				String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
						StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				if (colon > 0) {
					clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
					secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
				}
			}
			catch (IllegalArgumentException ex) {
				clientId = null;
			}
		}
		else if (form.getFirst("client_id") != null) {
			clientId = form.getFirst("client_id");
			secret = form.getFirst("client_secret");
		}
		LocalIssuerProperties.Client client = clientId == null ? null : properties.clients().get(clientId);
		if (client == null || secret == null || !MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
				secret.getBytes(StandardCharsets.UTF_8))) {
			throw new ProblemException(HttpStatus.UNAUTHORIZED, "invalid-client",
					"client authentication failed: unknown client or wrong secret (use HTTP Basic client_id:client_secret)")
				.property("error", "invalid_client")
				.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"colony-local-issuer\"");
		}
		return clientId;
	}

	private static ProblemException invalid(String error, String field, String detail) {
		return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-token-request", detail).property("error", error)
			.property("field", field);
	}

	private static String valueOr(String value, String fallback) {
		return value == null || value.isBlank() ? fallback : value.trim();
	}
}
