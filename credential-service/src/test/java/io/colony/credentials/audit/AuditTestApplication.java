package io.colony.credentials.audit;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

import java.time.Clock;

/**
 * The audit feature alone, on the real database: its beans, auto-configuration and a security chain with the
 * rules the service's own configuration gives the audit paths (operators need scope {@code credentials:approve},
 * the keys are open). The rest of the credential service is left out, so these tests neither need nor disturb it.
 *
 * <p>Deliberately not a {@code @Configuration}: named in {@code @SpringBootTest(classes = ...)} it still configures
 * the context (its annotations and {@code @Bean} methods are read), but the service's own component scan, which
 * reaches test classes in its other tests, never picks it up. (A {@code @TestConfiguration} would be skipped by
 * that scan too, but {@code @SpringBootTest} would then add the whole application to it.)
 */
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = AuditTrail.class,
		excludeFilters = @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class))
@ConfigurationPropertiesScan(basePackageClasses = AuditTrail.class)
class AuditTestApplication {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	SecurityFilterChain auditTestSecurity(HttpSecurity http) throws Exception {
		return http.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests(requests -> requests
				.requestMatchers(HttpMethod.GET, "/api/v1/credentials/audit/keys").permitAll()
				.requestMatchers("/api/v1/credentials/audit", "/api/v1/credentials/audit/**")
				.hasAuthority("SCOPE_credentials:approve")
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
			.build();
	}
}
