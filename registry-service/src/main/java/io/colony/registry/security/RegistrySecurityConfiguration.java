package io.colony.registry.security;

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
 * Operators write, services read. Reads ({@code GET}) are open to the services on the internal network (the
 * orchestrator and aggregator look agents and keys up here; clients read through the gateway, which asks for
 * {@code registry:read}). Writes, i.e. revoking and rotating agents' keys, need a bearer JWT with scope
 * {@code registry:write} from the mesh's issuer ({@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri},
 * the gateway's {@code /oauth2/jwks} locally), which the gateway forwards from the operator's request.
 */
@Configuration(proxyBeanMethods = false)
class RegistrySecurityConfiguration {

	@Bean
	SecurityFilterChain registrySecurity(HttpSecurity http) throws Exception {
		return http.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(requests -> requests
				.requestMatchers(HttpMethod.POST, "/api/v1/registry/**").hasAuthority("SCOPE_registry:write")
				.requestMatchers(HttpMethod.GET, "/**").permitAll()
				.requestMatchers("/error").permitAll()
				.anyRequest().denyAll())
			.oauth2ResourceServer(server -> server.jwt(jwt -> {
			})
				.authenticationEntryPoint((request, response, failure) -> problem(response, 401, "unauthorized",
						"a bearer token with scope registry:write is required"))
				.accessDeniedHandler((request, response, denied) -> problem(response, 403, "forbidden",
						"the token lacks scope registry:write")))
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((request, response, failure) -> problem(response, 401, "unauthorized",
						"a bearer token with scope registry:write is required"))
				.accessDeniedHandler((request, response, denied) -> problem(response, 403, "forbidden",
						"the token lacks scope registry:write")))
			.build();
	}

	/** RFC 9457, as every other error of the registry; the challenge as RFC 6750 asks. */
	private static void problem(HttpServletResponse response, int status, String slug, String detail) throws IOException {
		response.setStatus(status);
		response.setHeader("WWW-Authenticate", status == 401 ? "Bearer realm=\"colony\""
				: "Bearer realm=\"colony\", error=\"insufficient_scope\", scope=\"registry:write\"");
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter()
			.write("{\"type\":\"urn:colony:problem:" + slug + "\",\"title\":\"" + (status == 401 ? "Unauthorized" : "Forbidden")
					+ "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
	}
}
