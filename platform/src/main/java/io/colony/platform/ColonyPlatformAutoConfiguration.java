package io.colony.platform;

import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyMessagingProperties;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.CommandClient;
import io.colony.platform.messaging.DeadLetters;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.PublishingChannels;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.colony.platform.metrics.QueueDepths;
import io.colony.platform.observability.LogContextPropagation;
import io.colony.platform.observability.TraceCarrier;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxProperties;
import io.colony.platform.outbox.OutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/**
 * What every Colony service gets by depending on {@code colony-platform}: the exchanges declared,
 * publishing with confirms, consumers with manual acks and dead-lettering, request/reply commands,
 * trace propagation across asynchronous hops, the depth of the queues it consumes as metrics, the job and
 * task ids in the MDC across asynchronous hops, and — when the service has a database — the transactional
 * outbox and the inbox.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration" })
@EnableConfigurationProperties({ ColonyMessagingProperties.class, OutboxProperties.class,
		ColonyMetricsProperties.class })
public class ColonyPlatformAutoConfiguration {

	@Bean
	Declarables colonyExchanges() {
		return ColonyTopology.exchanges();
	}

	@Bean
	@ConditionalOnMissingBean
	MessageCodec colonyMessageCodec() {
		return new MessageCodec();
	}

	@Bean
	@ConditionalOnMissingBean
	TraceCarrier colonyTraceCarrier(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		Tracer t = tracer.getIfAvailable();
		Propagator p = propagator.getIfAvailable();
		return t == null || p == null ? TraceCarrier.noop() : new TraceCarrier(t, p);
	}

	/**
	 * Lets Reactor carry the MDC's correlation ids and the current span across asynchronous hops (with
	 * {@code spring.reactor.context-propagation=auto}, set by {@link PlatformDefaults}).
	 */
	@Bean
	@ConditionalOnMissingBean
	LogContextPropagation colonyLogContextPropagation(ObjectProvider<Tracer> tracer) {
		return LogContextPropagation.register(tracer.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	MetricsPoller colonyMetricsPoller() {
		return new MetricsPoller();
	}

	@Bean
	@ConditionalOnMissingBean
	QueueDepths colonyQueueDepths(AmqpAdmin admin, ObjectProvider<MeterRegistry> meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		return new QueueDepths(admin, meters.getIfAvailable(SimpleMeterRegistry::new), poller, properties);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	PublishingChannels colonyPublishingChannels(CachingConnectionFactory connectionFactory,
			ColonyMessagingProperties properties) {
		return new PublishingChannels(connectionFactory.getRabbitConnectionFactory(), properties.publisherChannels());
	}

	@Bean
	@ConditionalOnMissingBean
	MessagePublisher colonyMessagePublisher(PublishingChannels channels, MessageCodec codec, TraceCarrier traceCarrier,
			ColonyMessagingProperties properties) {
		return new MessagePublisher(channels, codec, traceCarrier, properties.confirmTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters colonyDeadLetters(MessagePublisher publisher) {
		return new DeadLetters(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	ColonyConsumers colonyConsumers(ConnectionFactory connectionFactory, AmqpAdmin admin, MessageCodec codec,
			DeadLetters deadLetters, TraceCarrier traceCarrier, ObjectProvider<MeterRegistry> meters,
			QueueDepths queueDepths, ColonyMessagingProperties properties) {
		return new ColonyConsumers(connectionFactory, admin, codec, deadLetters, traceCarrier,
				meters.getIfAvailable(SimpleMeterRegistry::new), queueDepths, properties.deliveryLimit());
	}

	/** Created on first use, so services that never send commands hold no reply consumer. */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	CommandClient colonyCommandClient(ConnectionFactory connectionFactory, MessageCodec codec,
			TraceCarrier traceCarrier, ColonyMessagingProperties properties) {
		RabbitTemplate template = new RabbitTemplate(connectionFactory);
		template.setMandatory(true);
		return new CommandClient(new AsyncRabbitTemplate(template), codec, traceCarrier, properties.commandTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnBean(DataSource.class)
	static class PersistenceConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "colony.outbox.enabled", matchIfMissing = true)
		OutboxRelay colonyOutboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
				MessagePublisher publisher, OutboxProperties properties, ObjectProvider<MeterRegistry> meters) {
			return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), publisher, properties,
					meters.getIfAvailable(SimpleMeterRegistry::new));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "colony.outbox.enabled", matchIfMissing = true)
		Outbox colonyOutbox(JdbcTemplate jdbc, MessageCodec codec, TraceCarrier traceCarrier, OutboxRelay relay) {
			return new Outbox(jdbc, codec, traceCarrier, relay);
		}

		@Bean
		@ConditionalOnMissingBean
		Inbox colonyInbox(JdbcTemplate jdbc) {
			return new Inbox(jdbc);
		}
	}
}
