package io.colony.registry.agents;

import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.metrics.BoundedTagValues;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code colony.registry.agents{capability}}: live agents serving each capability, read from the registry's backend
 * every {@code colony.metrics.poll-interval}. A capability once seen (and every default capability) keeps its series
 * at 0 when its last agent is gone, which is what the "registry empty for a capability" alert looks for; an agent
 * serving several agent types of one capability counts once. Every registry instance reads the same backend:
 * aggregate with {@code max}.
 */
@Component
class LiveAgentGauges {

	static final String AGENTS = "colony.registry.agents";

	private final AgentRegistry registry;

	private final Clock clock;

	private final MeterRegistry meters;

	private final BoundedTagValues capabilities;

	/** Per capability label, the last count; NaN while the backend cannot be read. */
	private final Map<String, AtomicReference<Double>> counts = new ConcurrentHashMap<>();

	LiveAgentGauges(AgentRegistry registry, Clock clock, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		this.registry = registry;
		this.clock = clock;
		this.meters = meters;
		this.capabilities = new BoundedTagValues(properties.maxTagValues());
		ColonyTopology.DEFAULT_CAPABILITIES.forEach(capability -> gauge(capabilities.of(capability)));
		poller.every(properties.pollInterval(), "live agents per capability", this::countLiveAgents,
				() -> counts.values().forEach(count -> count.set(Double.NaN)));
	}

	void countLiveAgents() {
		List<AgentView> live = registry.live(new AgentFilter(null, null), clock.instant());
		Map<String, Integer> now = new HashMap<>();
		for (AgentView agent : live) {
			Set<String> served = new HashSet<>();
			for (AgentTypeDescriptor type : agent.agentTypes()) {
				if (type.capability() != null) {
					served.add(capabilities.of(type.capability()));
				}
			}
			served.forEach(capability -> now.merge(capability, 1, Integer::sum));
		}
		now.keySet().forEach(this::gauge);
		counts.forEach((capability, count) -> count.set((double) now.getOrDefault(capability, 0)));
	}

	private void gauge(String capability) {
		counts.computeIfAbsent(capability, key -> {
			AtomicReference<Double> count = new AtomicReference<>(Double.NaN);
			Gauge.builder(AGENTS, count, AtomicReference::get)
				.description("Live agents serving the capability")
				.tag("capability", key)
				.register(meters);
			return count;
		});
	}
}
