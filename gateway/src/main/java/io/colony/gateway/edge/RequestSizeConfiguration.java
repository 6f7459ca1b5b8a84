package io.colony.gateway.edge;

import io.colony.gateway.job.JobApiProperties;
import io.colony.gateway.problem.ProblemWriter;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * No request body larger than {@code colony.gateway.max-body-size} is read anywhere: the codecs buffer at most that
 * much (exceeding it fails with a {@code DataBufferLimitException}, answered with a 413 problem), and
 * {@link RequestBodyLimit} refuses a larger declared body before anything else runs and cuts a larger streamed one
 * off, whichever route it is sent to (but {@code /webhooks/**}, which caps its own). Routes that take small bodies cap them lower themselves (credential decisions,
 * token requests). Request lines and headers are bounded by Reactor Netty ({@code server.netty.max-initial-line-length},
 * {@code server.max-http-request-header-size}), which answers 414 and 431 before a request reaches the gateway's code.
 */
@Configuration(proxyBeanMethods = false)
class RequestSizeConfiguration {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	CodecCustomizer gatewayBodyLimit(JobApiProperties properties) {
		return configurer -> configurer.defaultCodecs().maxInMemorySize((int) properties.maxBodySize().toBytes());
	}

	@Bean
	RequestBodyLimit requestBodyLimit(JobApiProperties properties, ProblemWriter problems) {
		return new RequestBodyLimit(properties.maxBodySize().toBytes(), problems);
	}
}
