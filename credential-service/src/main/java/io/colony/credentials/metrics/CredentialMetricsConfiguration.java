package io.colony.credentials.metrics;

import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class CredentialMetricsConfiguration {

	/** Served by the partial index {@code credential_requests_pending}: cheap however long the history. */
	static final String COUNT_PENDING = "select count(*) from credential_requests where status = 'PENDING'";

	@Bean
	PendingRequestsGauge pendingRequestsGauge(JdbcTemplate jdbc, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		return new PendingRequestsGauge(() -> jdbc.queryForObject(COUNT_PENDING, Long.class), meters, poller,
				properties);
	}
}
