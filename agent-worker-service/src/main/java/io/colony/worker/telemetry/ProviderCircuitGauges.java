package io.colony.worker.telemetry;

import io.colony.worker.llm.pressure.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;

/**
 * {@code colony.llm.circuit.open{provider}}: 1 while a provider's breaker is not closed (open, or half-open until a
 * probe shows the provider answers again), else 0. Registered at start for every configured provider, so that an
 * alert sees 0 before the first call rather than no series at all. The breaker's finer
 * {@code colony.llm.circuit.state} gauge stays for dashboards.
 */
public final class ProviderCircuitGauges {

	public static final String CIRCUIT_OPEN = "colony.llm.circuit.open";

	private final Collection<String> providers;

	public ProviderCircuitGauges(CircuitBreaker breaker, Collection<String> providers, MeterRegistry meters) {
		this.providers = java.util.List.copyOf(providers);
		for (String provider : providers) {
			Gauge.builder(CIRCUIT_OPEN, breaker,
					b -> b.state(provider) == CircuitBreaker.State.CLOSED ? 0 : 1)
				.description("1 while calls to the LLM provider are refused or held back by its circuit breaker")
				.tag("provider", provider)
				.register(meters);
		}
	}

	public Collection<String> providers() {
		return providers;
	}
}
