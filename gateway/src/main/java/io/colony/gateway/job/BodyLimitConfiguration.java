package io.colony.gateway.job;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Every codec buffers at most {@code colony.gateway.max-body-size}; exceeding it fails with a
 * {@code DataBufferLimitException}, which the gateway answers with a 413 problem.
 */
@Configuration(proxyBeanMethods = false)
class BodyLimitConfiguration {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	CodecCustomizer gatewayBodyLimit(JobApiProperties properties) {
		return configurer -> configurer.defaultCodecs().maxInMemorySize((int) properties.maxBodySize().toBytes());
	}
}
