package io.colony.gateway.fleet;

import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.gateway.fleet.FleetSnapshot.Worker;
import io.colony.gateway.fleet.FleetSnapshot.Workers;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The live agents from the registry ({@code GET /api/v1/registry/agents}): what each serves, holds and can hold. */
final class RegistryWorkers {

	static final String SOURCE = "registry";

	private final WebClient client;

	private final URI agents;

	private final MessageCodec codec;

	RegistryWorkers(WebClient client, URI registryUrl, MessageCodec codec) {
		this.client = client;
		this.agents = registryUrl.resolve("/api/v1/registry/agents");
		this.codec = codec;
	}

	Mono<Workers> read() {
		return client.get()
			.uri(agents)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(byte[].class)
			.map(body -> Workers.of(workers(codec.decode(body, AgentList.class))));
	}

	static List<Worker> workers(AgentList list) {
		return list.agents()
			.stream()
			.filter(Objects::nonNull)
			.map(RegistryWorkers::worker)
			.sorted(Comparator.comparing((Worker worker) -> worker.instance() == null ? "" : worker.instance())
				.thenComparing(worker -> worker.agentId().value()))
			.toList();
	}

	private static Worker worker(AgentView agent) {
		List<AgentTypeDescriptor> types = agent.agentTypes().stream().filter(Objects::nonNull).toList();
		return new Worker(agent.agentId(), agent.instance(),
				types.stream().map(AgentTypeDescriptor::name).filter(Objects::nonNull).distinct().sorted().toList(),
				types.stream().map(AgentTypeDescriptor::capability).filter(Objects::nonNull).distinct().sorted().toList(),
				agent.capacity(), agent.inFlight(), agent.lastSeen());
	}
}
