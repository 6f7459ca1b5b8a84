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
 * Every {@code /api/**} request needs a bearer JWT with the scope of what it does; GitHub's webhook (signed with
 * the webhook secret instead), the token endpoint, the JWKS,
 * the operator console's static files and the health/metrics probes are open. Tokens come from the local issuer
 * when it is enabled (local runs), otherwise from the issuer named by
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code ...jwk-set-uri}. Either way the clock skew is at most {@code colony.gateway.security.clock-skew}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	static final String JOBS_READ = "SCOPE_jobs:read";

	static final String JOBS_WRITE = "SCOPE_jobs:write";

	static final String REGISTRY_READ = "SCOPE_registry:read";

	static final String REGISTRY_WRITE = "SCOPE_registry:write";

	static final String AGENTS_READ = "SCOPE_agents:read";

	/** Creating, messaging, scheduling for and deleting the tenant's resident agents. */
	static final String AGENTS_WRITE = "SCOPE_agents:write";

	/** Deciding credential requests and revoking leases: a person's scope, never in a token by default. */
	static final String CREDENTIALS_APPROVE = "SCOPE_credentials:approve";

	/** Seeing, replaying and discarding dead letters: an operator's scope, never in a token by default. */
	static final String DEADLETTERS_MANAGE = "SCOPE_deadletters:manage";

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
				// GitHub authenticates its deliveries with the webhook secret's HMAC, checked by the webhook itself
				.pathMatchers(HttpMethod.POST, "/webhooks/github")
				.permitAll()
				.pathMatchers(HttpMethod.POST, "/api/v1/jobs")
				.hasAuthority(JOBS_WRITE)
				.pathMatchers(HttpMethod.DELETE, "/api/v1/jobs/**")
				.hasAuthority(JOBS_WRITE)
				.pathMatchers(HttpMethod.GET, "/api/v1/jobs/**", "/api/v1/usage")
				.hasAuthority(JOBS_READ)
				// resident agents: reading (inspect, list, event streams) and everything else (create, message, timers,
				// delete), each its own scope
				.pathMatchers(HttpMethod.GET, "/api/v1/agents", "/api/v1/agents/**")
				.hasAuthority(AGENTS_READ)
				.pathMatchers("/api/v1/agents", "/api/v1/agents/**")
				.hasAuthority(AGENTS_WRITE)
				.pathMatchers(HttpMethod.GET, "/api/v1/registry/**")
				.hasAuthority(REGISTRY_READ)
				.pathMatchers(HttpMethod.POST, "/api/v1/registry/**")
				.hasAuthority(REGISTRY_WRITE)
				.pathMatchers("/api/v1/credentials", "/api/v1/credentials/**")
				.hasAuthority(CREDENTIALS_APPROVE)
				.pathMatchers("/api/v1/dead-letters", "/api/v1/dead-letters/**")
				.hasAuthority(DEADLETTERS_MANAGE)
				.pathMatchers(HttpMethod.GET, "/api/v1/fleet").hasAuthority("SCOPE_fleet:read")
				// the console's page, script and stylesheet hold no data: everything they show comes from the API
				.pathMatchers(HttpMethod.GET, "/console", "/console/**")
				.permitAll()
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
