package io.colony.worker.telemetry;

import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.worker.agent.Models;
import io.colony.worker.catalog.ModelSpec;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.llm.pressure.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

@Configuration(proxyBeanMethods = false)
class TelemetryConfiguration {

	@Bean
	TaskTelemetry taskTelemetry(MeterRegistry meters, ObjectProvider<Tracer> tracer, ServedAgentTypes served,
			ColonyMetricsProperties metrics) {
		return new TaskTelemetry(meters, tracer.getIfAvailable(() -> Tracer.NOOP), served.names(),
				metrics.maxTagValues());
	}

	/** Every configured provider; {@code default} is only an alias of one of them. */
	@Bean
	ProviderCircuitGauges providerCircuitGauges(CircuitBreaker breaker, Models models, MeterRegistry meters) {
		List<String> providers = models.providerNames()
			.stream()
			.filter(name -> !ModelSpec.DEFAULT_PROVIDER.equals(name))
			.sorted()
			.toList();
		return new ProviderCircuitGauges(breaker, providers, meters);
	}
}
