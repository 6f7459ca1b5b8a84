package io.colony.gateway.security;

import io.colony.gateway.problem.ProblemWriter;
import io.colony.gateway.security.issuer.LocalIssuer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

import java.util.ArrayList;
import java.util.List;

/**
 * Every {@code /api/**} request needs a bearer JWT with the scope of what it does; the token endpoint, the JWKS
 * and the health/metrics probes are open. Tokens come from the local issuer when it is enabled (local runs),
 * otherwise from the issuer named by {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or
 * {@code ...jwk-set-uri}. Either way the clock skew is at most {@code colony.gateway.security.clock-skew}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	static final String JOBS_READ = "SCOPE_jobs:read";

	static final String JOBS_WRITE = "SCOPE_jobs:write";

	static final String REGISTRY_READ = "SCOPE_registry:read";

	static final String REGISTRY_WRITE = "SCOPE_registry:write";

	@Bean
	SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ProblemWriter problems, ReactiveJwtDecoder decoder) {
		ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(problems);
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.authorizeExchange(exchanges -> exchanges
				.pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info")
				.permitAll()
				.pathMatchers("/oauth2/token", "/oauth2/jwks")
				.permitAll()
				.pathMatchers(HttpMethod.POST, "/api/v1/jobs")
				.hasAuthority(JOBS_WRITE)
				.pathMatchers(HttpMethod.DELETE, "/api/v1/jobs/**")
				.hasAuthority(JOBS_WRITE)
				.pathMatchers(HttpMethod.GET, "/api/v1/jobs/**", "/api/v1/usage")
				.hasAuthority(JOBS_READ)
				.pathMatchers(HttpMethod.GET, "/api/v1/registry/**")
				.hasAuthority(REGISTRY_READ)
				.pathMatchers(HttpMethod.POST, "/api/v1/registry/**")
				.hasAuthority(REGISTRY_WRITE)
				.pathMatchers("/api/**", "/actuator/**")
				.authenticated()
				.anyExchange()
				.permitAll())
			.oauth2ResourceServer(resourceServer -> resourceServer.jwt(jwt -> jwt.jwtDecoder(decoder))
				.authenticationEntryPoint(handlers)
				.accessDeniedHandler(handlers))
			.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
			.build();
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(GatewaySecurityProperties properties, ObjectProvider<LocalIssuer> localIssuer,
			Environment environment) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator(properties.clockSkew()));
		NimbusReactiveJwtDecoder decoder;
		LocalIssuer issuer = localIssuer.getIfAvailable();
		if (issuer != null) {
			decoder = NimbusReactiveJwtDecoder.withPublicKey(issuer.publicKey())
				.signatureAlgorithm(SignatureAlgorithm.RS256)
				.build();
			validators.add(new JwtIssuerValidator(issuer.issuer()));
		}
		else {
			String issuerUri = environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri");
			String jwkSetUri = environment.getProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri");
			if (jwkSetUri != null && !jwkSetUri.isBlank()) {
				decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri).build();
			}
			else if (issuerUri != null && !issuerUri.isBlank()) {
				decoder = NimbusReactiveJwtDecoder.withIssuerLocation(issuerUri).build();
			}
			else {
				throw new IllegalStateException("colony.gateway.local-issuer.enabled=false needs "
						+ "spring.security.oauth2.resourceserver.jwt.issuer-uri or ...jwt.jwk-set-uri");
			}
			if (issuerUri != null && !issuerUri.isBlank()) {
				validators.add(new JwtIssuerValidator(issuerUri));
			}
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}
}
