package io.colony.orchestrator.capability;

import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the registry ({@code GET /api/v1/registry/agents?type=…}, live entries only) which capabilities serve
 * an agent type and how loaded their agents are. Positive answers are cached for {@code capability-cache-ttl};
 * negative and failed ones are not, so an agent that just came up is found on the next submission (or poll of
 * held jobs). The load behind a least-loaded choice is therefore up to that TTL old (plus the registry's own
 * heartbeat lag): jobs submitted within one TTL go to the same pool.
 */
@Component
class RegistryCapabilityDirectory implements CapabilityDirectory {

	private record Cached(CapabilityAnswer.Served answer, Instant until) {
	}

	private final CapabilityProperties properties;

	private final MessageCodec codec;

	private final HttpClient http;

	private final Clock clock;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	RegistryCapabilityDirectory(CapabilityProperties properties, MessageCodec codec) {
		this.properties = properties;
		this.codec = codec;
		this.clock = Clock.systemUTC();
		this.http = HttpClient.newBuilder().connectTimeout(properties.registryTimeout()).build();
	}

	@Override
	public CapabilityAnswer capabilityOf(String agentType) {
		Instant now = clock.instant();
		Cached cached = cache.get(agentType);
		if (cached != null && now.isBefore(cached.until())) {
			return cached.answer();
		}
		CapabilityAnswer answer = ask(agentType);
		if (answer instanceof CapabilityAnswer.Served served) {
			cache.put(agentType, new Cached(served, now.plus(properties.capabilityCacheTtl())));
		}
		else {
			cache.remove(agentType);
		}
		return answer;
	}

	private CapabilityAnswer ask(String agentType) {
		URI uri = URI.create(stripTrailingSlash(properties.registryUrl().toString()) + "/api/v1/registry/agents?type="
				+ URLEncoder.encode(agentType, StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(properties.registryTimeout())
			.header("Accept", "application/json")
			.GET()
			.build();
		try {
			HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 200) {
				return new CapabilityAnswer.Unknown("registry answered " + response.statusCode());
			}
			return capabilityIn(codec.decode(response.body(), AgentList.class), agentType);
		}
		catch (IOException | RuntimeException ex) {
			return new CapabilityAnswer.Unknown("registry at " + properties.registryUrl() + " not usable: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new CapabilityAnswer.Unknown("interrupted while asking the registry");
		}
	}

	/**
	 * The pools of live agents serving {@code agentType}: one per capability its descriptors name, each
	 * summing the capacity and in-flight tasks of its agents (an agent serving the type on two capabilities
	 * counts in both, since either queue may take its slots), with the first model announced there. Agents
	 * listed without a descriptor naming a capability still prove the type is served; they form a pool named
	 * after the type.
	 */
	static CapabilityAnswer capabilityIn(AgentList agents, String agentType) {
		if (agents.agents().isEmpty()) {
			return new CapabilityAnswer.NoLiveAgent();
		}
		Map<String, PoolSum> pools = new LinkedHashMap<>();
		for (AgentView agent : agents.agents()) {
			Set<String> capabilities = new LinkedHashSet<>();
			Map<String, String> models = new LinkedHashMap<>();
			for (AgentTypeDescriptor type : agent.agentTypes()) {
				if (agentType.equals(type.name())) {
					String capability = type.capability() == null || type.capability().isBlank() ? agentType
							: type.capability();
					capabilities.add(capability);
					if (blankToNull(type.model()) != null) {
						models.putIfAbsent(capability, type.model());
					}
				}
			}
			if (capabilities.isEmpty()) {
				capabilities.add(agentType);
			}
			for (String capability : capabilities) {
				pools.computeIfAbsent(capability, PoolSum::new).add(agent, models.get(capability));
			}
		}
		return new CapabilityAnswer.Served(pools.values().stream().map(PoolSum::pool).toList());
	}

	private static final class PoolSum {

		private final String capability;

		private String model;

		private long capacity;

		private long inFlight;

		PoolSum(String capability) {
			this.capability = capability;
		}

		void add(AgentView agent, String announcedModel) {
			capacity += Math.max(0, agent.capacity());
			inFlight += Math.max(0, agent.inFlight());
			if (model == null) {
				model = announcedModel;
			}
		}

		CapabilityAnswer.Pool pool() {
			return new CapabilityAnswer.Pool(capability, model, capacity, inFlight);
		}
	}

	private static String blankToNull(String text) {
		return text == null || text.isBlank() ? null : text;
	}

	private static String stripTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}
}
