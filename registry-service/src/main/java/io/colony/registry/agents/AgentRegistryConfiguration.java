package io.colony.registry.agents;

import io.colony.platform.messaging.MessageCodec;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class AgentRegistryConfiguration {

	/** The registry's clock: it alone decides when an entry was last seen and when it expires. */
	@Bean
	Clock registryClock() {
		return Clock.systemUTC();
	}

	@Bean
	@ConditionalOnProperty(name = "colony.registry.backend", havingValue = "embedded", matchIfMissing = true)
	AgentRegistry embeddedAgentRegistry(JdbcTemplate jdbcTemplate, MessageCodec codec) {
		return new EmbeddedAgentRegistry(JdbcClient.create(jdbcTemplate), codec.mapper());
	}
}
