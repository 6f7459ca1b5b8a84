package io.colony.gateway.security;

import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 as problem documents, with the {@code WWW-Authenticate} challenge of RFC 6750 so that OAuth
 * clients still see {@code invalid_token} / {@code insufficient_scope}.
 */
final class ProblemSecurityHandlers implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

	private static final String REALM = "colony";

	private final ProblemWriter writer;

	ProblemSecurityHandlers(ProblemWriter writer) {
		this.writer = writer;
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
		String challenge = "Bearer realm=\"" + REALM + "\"";
		String detail = "a bearer token is required (Authorization: Bearer <token>)";
		String problem = "unauthorized";
		if (failure instanceof OAuth2AuthenticationException oauth) {
			String code = oauth.getError().getErrorCode();
			String description = oauth.getError().getDescription();
			detail = description == null || description.isBlank() ? "the bearer token is not valid" : description;
			challenge += ", error=\"" + quoteSafe(code) + "\", error_description=\"" + quoteSafe(detail) + "\"";
			problem = "invalid-token";
			if (oauth.getError() instanceof BearerTokenError bearer && bearer.getHttpStatus() == HttpStatus.BAD_REQUEST) {
				problem = "invalid-token-request";
			}
		}
		return writer.write(exchange, new ProblemException(HttpStatus.UNAUTHORIZED, problem, detail)
			.header(HttpHeaders.WWW_AUTHENTICATE, challenge));
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		String detail = "the token's scopes do not allow " + exchange.getRequest().getMethod() + " "
				+ exchange.getRequest().getPath().value();
		return writer.write(exchange, new ProblemException(HttpStatus.FORBIDDEN, "insufficient-scope", detail)
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM
					+ "\", error=\"insufficient_scope\", error_description=\"" + quoteSafe(detail) + "\""));
	}

	private static String quoteSafe(String text) {
		return text == null ? "" : text.replaceAll("[\"\\\\\\r\\n]", "'");
	}
}
