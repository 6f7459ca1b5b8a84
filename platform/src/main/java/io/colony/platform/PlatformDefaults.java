package io.colony.platform;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defaults every Colony service shares, added with the lowest precedence so that any
 * {@code application.yml}, environment variable or command-line argument overrides them. This is what
 * keeps each service's own {@code application.yml} down to its name, port and schema.
 *
 * <p>A service that sets {@code colony.database.schema} gets a PostgreSQL data source on that schema and
 * Flyway migrations from {@code db/migration} plus the platform's outbox/inbox tables.
 *
 * <p>Logs are JSON (Elastic Common Schema, one object per line, with the MDC's {@code traceId}, {@code spanId},
 * {@code jobId}, {@code taskId}, {@code tenant} and {@code agent}) unless {@code COLONY_LOG_FORMAT} (or
 * {@code colony.logging.format}) is {@code text}. JSON is the default because a deployment that forgets the
 * setting must still ship logs a collector can index; a person reading a terminal asks for text
 * ({@code ./colony up} does).
 */
public class PlatformDefaults implements EnvironmentPostProcessor, Ordered {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.rabbitmq.host", "${COLONY_RABBITMQ_HOST:127.0.0.1}");
		defaults.put("spring.rabbitmq.port", "${COLONY_RABBITMQ_PORT:5672}");
		defaults.put("spring.rabbitmq.username", "${COLONY_RABBITMQ_USER:guest}");
		defaults.put("spring.rabbitmq.password", "${COLONY_RABBITMQ_PASSWORD:guest}");
		defaults.put("spring.rabbitmq.virtual-host", "${COLONY_RABBITMQ_VHOST:/}");
		// Messages are published (with confirms) by MessagePublisher on channels of its own; Spring's
		// factory only needs returns, for the mandatory request/reply commands of CommandClient.
		defaults.put("spring.rabbitmq.publisher-returns", "true");
		defaults.put("spring.reactor.context-propagation", "auto");
		defaults.put("spring.threads.virtual.enabled", "true");
		defaults.put("spring.mvc.problemdetails.enabled", "true");
		defaults.put("spring.webflux.problemdetails.enabled", "true");
		defaults.put("server.shutdown", "graceful");
		defaults.put("server.error.include-stacktrace", "never");
		defaults.put("server.error.include-message", "never");
		defaults.putAll(logging(environment));
		// Never log request details (headers such as Authorization, bodies with secrets), whatever a logger's level.
		defaults.put("spring.mvc.log-request-details", "false");
		defaults.put("spring.codec.log-request-details", "false");
		defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
		defaults.put("management.endpoint.health.probes.enabled", "true");
		defaults.put("management.metrics.tags.service", "${spring.application.name:colony}");
		defaults.put("management.tracing.sampling.probability", "${COLONY_TRACE_SAMPLING:0.1}");
		// Spring Cloud Consul discovery: every service registers itself (with an HTTP check on its health) when
		// COLONY_CONSUL_DISCOVERY=true; off by default so that nothing needs Consul locally.
		defaults.put("spring.cloud.consul.enabled", "${COLONY_CONSUL_DISCOVERY:false}");
		defaults.put("spring.cloud.consul.host", "${COLONY_CONSUL_HOST:127.0.0.1}");
		defaults.put("spring.cloud.consul.port", "${COLONY_CONSUL_PORT:8500}");
		defaults.put("spring.cloud.consul.discovery.acl-token", "${COLONY_CONSUL_TOKEN:}");
		defaults.put("spring.cloud.consul.discovery.health-check-path", "/actuator/health");
		defaults.put("spring.cloud.consul.discovery.instance-id", "${spring.application.name}-${random.uuid}");
		defaults.put("spring.cloud.consul.discovery.catalog-services-watch.enabled", "false");
		defaults.put("spring.cloud.consul.config.enabled", "false");
		String zipkin = environment.getProperty("COLONY_ZIPKIN_URL", environment.getProperty("colony.tracing.zipkin-url"));
		defaults.put("management.tracing.export.zipkin.enabled", String.valueOf(zipkin != null && !zipkin.isBlank()));
		defaults.put("management.tracing.export.zipkin.endpoint",
				zipkin != null && !zipkin.isBlank() ? zipkin : "http://127.0.0.1:9411/api/v2/spans");
		if (environment.containsProperty("colony.database.schema")) {
			defaults.put("spring.datasource.url",
					"jdbc:postgresql://${COLONY_DB_HOST:127.0.0.1}:${COLONY_DB_PORT:5432}/${COLONY_DB_NAME:colony}"
							+ "?currentSchema=${colony.database.schema}&reWriteBatchedInserts=true");
			defaults.put("spring.datasource.username", "${COLONY_DB_USER:postgres}");
			defaults.put("spring.datasource.password", "${COLONY_DB_PASSWORD:}");
			defaults.put("spring.datasource.hikari.maximum-pool-size", "10");
			defaults.put("spring.flyway.schemas", "${colony.database.schema}");
			defaults.put("spring.flyway.default-schema", "${colony.database.schema}");
			defaults.put("spring.flyway.create-schemas", "true");
			defaults.put("spring.flyway.locations", "classpath:db/migration,classpath:db/platform");
		}
		environment.getPropertySources().addLast(new MapPropertySource("colonyPlatformDefaults", defaults));
	}

	/** The log format settings for {@code COLONY_LOG_FORMAT}: {@code json} (the default) or {@code text}. */
	static Map<String, Object> logging(ConfigurableEnvironment environment) {
		String format = environment.getProperty("COLONY_LOG_FORMAT",
				environment.getProperty("colony.logging.format", "json"));
		return switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
			case "json" -> Map.of("logging.structured.format.console", "ecs");
			case "text" -> Map.of();
			default -> throw new IllegalArgumentException(
					"COLONY_LOG_FORMAT (colony.logging.format) must be json or text, was '" + format + "'");
		};
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}
}
