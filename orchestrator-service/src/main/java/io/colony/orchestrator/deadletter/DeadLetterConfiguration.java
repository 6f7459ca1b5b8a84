package io.colony.orchestrator.deadletter;

import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

	@Bean
	DeadLetterStore deadLetterStore(JdbcTemplate jdbc, MessageCodec codec, DeadLetterProperties properties) {
		return new DeadLetterStore(jdbc, codec.mapper(), properties.operatorTenant());
	}

	@Bean
	DeadLetterReplays deadLetterReplays(DeadLetterStore store, MessagePublisher publisher,
			PlatformTransactionManager transactionManager, DeadLetterProperties properties) {
		return new DeadLetterReplays(store, publisher, new TransactionTemplate(transactionManager),
				properties.replayAllLimit());
	}

	@Bean
	OpenDeadLetterGauges openDeadLetterGauges(DeadLetterStore store, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties metrics) {
		return new OpenDeadLetterGauges(store::openPerQueue, meters, poller, metrics);
	}

	@Bean
	@ConditionalOnProperty(prefix = "colony.orchestrator.dead-letters", name = "enabled", matchIfMissing = true)
	DeadLetterKeeper deadLetterKeeper(CachingConnectionFactory connectionFactory, DeadLetterStore store,
			DeadLetterProperties properties, MessageCodec codec, ObjectProvider<Clock> clock) {
		com.rabbitmq.client.ConnectionFactory amqp = connectionFactory.getRabbitConnectionFactory();
		DeadLetterQueues queues = new DeadLetterQueues(properties.managementUrl(), connectionFactory.getVirtualHost(),
				amqp.getUsername(), amqp.getPassword(), codec.mapper());
		return new DeadLetterKeeper(connectionFactory, queues, store, properties, codec.mapper(),
				clock.getIfAvailable(Clock::systemUTC));
	}
}
