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

	/** Waits at start for the first snapshot of Consul, so that a fresh registry does not list nobody. */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "colony.registry.backend", havingValue = "consul")
	AgentRegistry consulAgentRegistry(ConsulProperties properties, MessageCodec codec, Clock registryClock) {
		ConsulAgentRegistry registry = new ConsulAgentRegistry(properties, codec.mapper(), registryClock);
		registry.start(properties.requestTimeout());
		return registry;
	}

	@Bean
	@ConditionalOnProperty(name = "colony.registry.backend", havingValue = "embedded", matchIfMissing = true)
	AgentRegistry embeddedAgentRegistry(JdbcTemplate jdbcTemplate, MessageCodec codec) {
		return new EmbeddedAgentRegistry(JdbcClient.create(jdbcTemplate), codec.mapper());
	}
}
