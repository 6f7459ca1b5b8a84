package io.colony.credentials.security;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

import java.io.IOException;

/**
 * Agents sign, operators bear a token. The agent-facing endpoints (request, claim, renew) are open to the network:
 * each message is authenticated by the agent's Ed25519 signature instead. The JWK sets (of issued tokens and of
 * audit checkpoints) are public keys and open too. Everything else under {@code /api/v1/credentials} is for
 * operators: a bearer JWT with scope {@code credentials:approve} from the mesh's issuer
 * ({@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}), which the gateway forwards; its {@code tenant}
 * claim limits what it sees ({@link Operator}).
 */
@Configuration(proxyBeanMethods = false)
class CredentialSecurityConfiguration {

	static final String APPROVE = "credentials:approve";

	@Bean
	SecurityFilterChain credentialSecurity(HttpSecurity http) throws Exception {
		return http.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(requests -> requests
				.requestMatchers(HttpMethod.POST, "/api/v1/credentials/requests",
						"/api/v1/credentials/requests/*/claim", "/api/v1/credentials/leases/*/renew")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/api/v1/credentials/jwks", "/api/v1/credentials/audit/keys")
				.permitAll()
				.requestMatchers("/api/v1/credentials/**").hasAuthority("SCOPE_" + APPROVE)
				.requestMatchers("/actuator/**", "/error").permitAll()
				.anyRequest().denyAll())
			.oauth2ResourceServer(server -> server.jwt(jwt -> {
			})
				.authenticationEntryPoint((request, response, failure) -> problem(response, 401, "unauthorized",
						"a bearer token with scope " + APPROVE + " is required"))
				.accessDeniedHandler((request, response, denied) -> problem(response, 403, "forbidden",
						"the token lacks scope " + APPROVE)))
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((request, response, failure) -> problem(response, 401, "unauthorized",
						"a bearer token with scope " + APPROVE + " is required"))
				.accessDeniedHandler((request, response, denied) -> problem(response, 403, "forbidden",
						"the token lacks scope " + APPROVE)))
			.build();
	}

	/** RFC 9457, as every other error of the service; the challenge as RFC 6750 asks. */
	private static void problem(HttpServletResponse response, int status, String slug, String detail) throws IOException {
		response.setStatus(status);
		response.setHeader("WWW-Authenticate", status == 401 ? "Bearer realm=\"colony\""
				: "Bearer realm=\"colony\", error=\"insufficient_scope\", scope=\"" + APPROVE + "\"");
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter()
			.write("{\"type\":\"urn:colony:problem:" + slug + "\",\"title\":\"" + (status == 401 ? "Unauthorized" : "Forbidden")
					+ "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
	}
}
